-- Views for the common questions; created in every published warehouse.
-- Every view and every view column carries a comment: `c3p docs` turns them into
-- docs/data_dictionary.md, and tests/pipelines/test_data_dictionary.py checks none is missing.

CREATE OR REPLACE VIEW v_projects AS
SELECT
    p.project_id, p.fiscal_year, p.call_round, p.list_no, p.project_name,
    p.proposer_org_id, p.proposer_name_raw,
    o.name AS proposer_name, o.org_type AS proposer_org_type,
    p.country_code, p.country_name_ja,
    (SELECT list(d.name ORDER BY d.seq) FROM domestic_cities d
     WHERE d.project_id = p.project_id) AS domestic_cities,
    (SELECT list(d.lg_code ORDER BY d.seq) FROM domestic_cities d
     WHERE d.project_id = p.project_id) AS domestic_lg_codes,
    (SELECT list(coalesce(c.name_ja, c.name_raw) ORDER BY c.seq) FROM partner_cities c
     WHERE c.project_id = p.project_id) AS partner_cities,
    (SELECT list(c.name_en ORDER BY c.seq) FROM partner_cities c
     WHERE c.project_id = p.project_id) AS partner_cities_en,
    (SELECT list(f.field_code ORDER BY f.seq) FROM project_fields f
     WHERE f.project_id = p.project_id) AS field_codes,
    (SELECT list(coalesce(po.name, x.name_raw) ORDER BY x.seq)
     FROM participants x LEFT JOIN organizations po ON po.org_id = x.org_id
     WHERE x.project_id = p.project_id) AS participants,
    (SELECT count(*) FROM participants x WHERE x.project_id = p.project_id) AS participant_count,
    p.summary, p.group_name, p.source_id
FROM projects p
LEFT JOIN organizations o ON o.org_id = p.proposer_org_id;

COMMENT ON VIEW v_projects IS 'One row per project with its cities, fields and participants flattened into lists: the table to start from.';
COMMENT ON COLUMN v_projects.project_id IS 'The project (projects.project_id).';
COMMENT ON COLUMN v_projects.fiscal_year IS 'Fiscal year (年度) of the adoption list, western calendar.';
COMMENT ON COLUMN v_projects.call_round IS 'Call round of the list the project was adopted in.';
COMMENT ON COLUMN v_projects.list_no IS '番号 / No. in the list.';
COMMENT ON COLUMN v_projects.project_name IS '事業名 as printed.';
COMMENT ON COLUMN v_projects.proposer_org_id IS 'Organisation of the proposer (organizations.org_id).';
COMMENT ON COLUMN v_projects.proposer_name_raw IS '提案者 as printed.';
COMMENT ON COLUMN v_projects.proposer_name IS 'Canonical name of the proposer (organizations.name).';
COMMENT ON COLUMN v_projects.proposer_org_type IS 'Type of the proposer (organizations.org_type).';
COMMENT ON COLUMN v_projects.country_code IS 'ISO 3166-1 alpha-2 code of the partner country.';
COMMENT ON COLUMN v_projects.country_name_ja IS 'Short Japanese name of the partner country.';
COMMENT ON COLUMN v_projects.domestic_cities IS 'Japanese local governments of the project, in list order.';
COMMENT ON COLUMN v_projects.domestic_lg_codes IS '全国地方公共団体コード of domestic_cities, same order.';
COMMENT ON COLUMN v_projects.partner_cities IS 'Partner cities or regions abroad (gazetteer Japanese name, else as printed).';
COMMENT ON COLUMN v_projects.partner_cities_en IS 'English names of partner_cities, same order (null when not in the gazetteer).';
COMMENT ON COLUMN v_projects.field_codes IS 'Target fields as codes of the contract''s taxonomy (empty for lists without 対象分野).';
COMMENT ON COLUMN v_projects.participants IS 'Co-applicants and partner organisations (canonical name, else as printed), in cell order.';
COMMENT ON COLUMN v_projects.participant_count IS 'Number of rows in participants for the project.';
COMMENT ON COLUMN v_projects.summary IS '事業概要 as printed (FY2020+ lists).';
COMMENT ON COLUMN v_projects.group_name IS 'Group row naming the city pair (older lists).';
COMMENT ON COLUMN v_projects.source_id IS 'The PDF the row was read from (sources.source_id).';

CREATE OR REPLACE VIEW v_city_pairs AS
SELECT
    d.lg_code, d.name AS domestic_city,
    coalesce(c.name_ja, c.name_raw) AS partner_city, any_value(c.name_en) AS partner_city_en,
    c.country_code,
    min(p.fiscal_year) AS first_year, max(p.fiscal_year) AS last_year,
    list(DISTINCT p.fiscal_year ORDER BY p.fiscal_year) AS years_active,
    count(DISTINCT p.fiscal_year) > 1 AS continued,
    count(DISTINCT p.project_id) AS project_count,
    list(DISTINCT p.project_id ORDER BY p.project_id) AS project_ids
FROM projects p
JOIN domestic_cities d ON d.project_id = p.project_id
JOIN partner_cities c ON c.project_id = p.project_id
GROUP BY d.lg_code, d.name, coalesce(c.name_ja, c.name_raw), c.country_code;

COMMENT ON VIEW v_city_pairs IS 'One row per pair of a Japanese local government and a partner city abroad that shared a project, with the years the pair was active.';
COMMENT ON COLUMN v_city_pairs.lg_code IS '全国地方公共団体コード of the Japanese local government.';
COMMENT ON COLUMN v_city_pairs.domestic_city IS 'Canonical name of the Japanese local government.';
COMMENT ON COLUMN v_city_pairs.partner_city IS 'Partner city or region abroad (gazetteer Japanese name, else as printed).';
COMMENT ON COLUMN v_city_pairs.partner_city_en IS 'English name of the partner city (gazetteer).';
COMMENT ON COLUMN v_city_pairs.country_code IS 'ISO 3166-1 alpha-2 code of the partner city''s country.';
COMMENT ON COLUMN v_city_pairs.first_year IS 'First fiscal year the pair appears in.';
COMMENT ON COLUMN v_city_pairs.last_year IS 'Last fiscal year the pair appears in.';
COMMENT ON COLUMN v_city_pairs.years_active IS 'Fiscal years the pair appears in, ascending.';
COMMENT ON COLUMN v_city_pairs.continued IS 'True when the pair appears in more than one fiscal year (a continued collaboration or a later phase).';
COMMENT ON COLUMN v_city_pairs.project_count IS 'Projects the pair shared.';
COMMENT ON COLUMN v_city_pairs.project_ids IS 'Those projects (projects.project_id).';

CREATE OR REPLACE VIEW v_org_activity AS
SELECT o.org_id, o.name, o.org_type, a.fiscal_year, a.role, count(DISTINCT a.project_id) AS projects
FROM (
    SELECT proposer_org_id AS org_id, fiscal_year, '提案者' AS role, project_id FROM projects
    WHERE proposer_org_id IS NOT NULL
    UNION ALL
    SELECT org_id, fiscal_year, role, project_id FROM participants WHERE org_id IS NOT NULL
) a
JOIN organizations o ON o.org_id = a.org_id
GROUP BY o.org_id, o.name, o.org_type, a.fiscal_year, a.role;

COMMENT ON VIEW v_org_activity IS 'One row per organisation, fiscal year and role (提案者 for the proposer, else the participant role): how many projects it took part in.';
COMMENT ON COLUMN v_org_activity.org_id IS 'The organisation (organizations.org_id).';
COMMENT ON COLUMN v_org_activity.name IS 'Canonical name of the organisation.';
COMMENT ON COLUMN v_org_activity.org_type IS 'Type of the organisation (organizations.org_type).';
COMMENT ON COLUMN v_org_activity.fiscal_year IS 'Fiscal year of the projects.';
COMMENT ON COLUMN v_org_activity.role IS '提案者 (proposer) or the role the list gives a participant (共同応募者, 共同事業者, ...).';
COMMENT ON COLUMN v_org_activity.projects IS 'Distinct projects in that year and role.';

CREATE OR REPLACE VIEW v_org_summary AS
SELECT
    o.org_id, o.name, o.org_type,
    min(a.fiscal_year) AS first_year, max(a.fiscal_year) AS last_year,
    list(DISTINCT a.fiscal_year ORDER BY a.fiscal_year) AS years_active,
    count(DISTINCT a.project_id) FILTER (WHERE a.is_proposer) AS projects_as_proposer,
    count(DISTINCT a.project_id) FILTER (WHERE NOT a.is_proposer) AS projects_as_participant,
    count(DISTINCT a.project_id) AS projects_total
FROM (
    SELECT proposer_org_id AS org_id, fiscal_year, project_id, true AS is_proposer FROM projects
    WHERE proposer_org_id IS NOT NULL
    UNION ALL
    SELECT org_id, fiscal_year, project_id, false FROM participants WHERE org_id IS NOT NULL
) a
JOIN organizations o ON o.org_id = a.org_id
GROUP BY o.org_id, o.name, o.org_type;

COMMENT ON VIEW v_org_summary IS 'One row per organisation that proposed or joined a project: years active and project counts by role.';
COMMENT ON COLUMN v_org_summary.org_id IS 'The organisation (organizations.org_id).';
COMMENT ON COLUMN v_org_summary.name IS 'Canonical name of the organisation.';
COMMENT ON COLUMN v_org_summary.org_type IS 'Type of the organisation (organizations.org_type).';
COMMENT ON COLUMN v_org_summary.first_year IS 'First fiscal year with a project.';
COMMENT ON COLUMN v_org_summary.last_year IS 'Last fiscal year with a project.';
COMMENT ON COLUMN v_org_summary.years_active IS 'Fiscal years with a project, ascending.';
COMMENT ON COLUMN v_org_summary.projects_as_proposer IS 'Projects it proposed (提案者 / 代表事業者).';
COMMENT ON COLUMN v_org_summary.projects_as_participant IS 'Projects it joined as co-applicant or partner.';
COMMENT ON COLUMN v_org_summary.projects_total IS 'Distinct projects in any role.';
