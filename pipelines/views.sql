-- Views for the common questions; created in every published warehouse.
CREATE OR REPLACE VIEW v_projects AS
SELECT
    p.project_id, p.fiscal_year, p.call_round, p.list_no, p.project_name,
    p.proposer_name_raw, o.name AS proposer_name, o.org_type AS proposer_org_type,
    p.country_code, p.country_name_ja,
    (SELECT list(d.name ORDER BY d.seq) FROM domestic_cities d WHERE d.project_id = p.project_id) AS domestic_cities,
    (SELECT list(d.lg_code ORDER BY d.seq) FROM domestic_cities d WHERE d.project_id = p.project_id) AS domestic_lg_codes,
    (SELECT list(c.name_ja ORDER BY c.seq) FROM partner_cities c WHERE c.project_id = p.project_id) AS partner_cities,
    (SELECT list(f.field_code ORDER BY f.seq) FROM project_fields f WHERE f.project_id = p.project_id) AS field_codes,
    (SELECT count(*) FROM participants x WHERE x.project_id = p.project_id) AS participant_count,
    p.summary, p.group_name, p.source_id
FROM projects p
LEFT JOIN organizations o ON o.org_id = p.proposer_org_id;

CREATE OR REPLACE VIEW v_city_pairs AS
SELECT
    d.lg_code, d.name AS domestic_city, c.name_ja AS partner_city, c.country_code,
    min(p.fiscal_year) AS first_year, max(p.fiscal_year) AS last_year,
    list(DISTINCT p.fiscal_year ORDER BY p.fiscal_year) AS years_active,
    count(DISTINCT p.project_id) AS project_count
FROM projects p
JOIN domestic_cities d ON d.project_id = p.project_id
JOIN partner_cities c ON c.project_id = p.project_id
GROUP BY ALL;

CREATE OR REPLACE VIEW v_org_activity AS
SELECT o.org_id, o.name, o.org_type, a.fiscal_year, a.role, count(DISTINCT a.project_id) AS projects
FROM (
    SELECT proposer_org_id AS org_id, fiscal_year, '提案者' AS role, project_id FROM projects
    WHERE proposer_org_id IS NOT NULL
    UNION ALL
    SELECT org_id, fiscal_year, role, project_id FROM participants WHERE org_id IS NOT NULL
) a
JOIN organizations o ON o.org_id = a.org_id
GROUP BY ALL;
