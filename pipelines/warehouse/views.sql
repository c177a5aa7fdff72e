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
    p.summary, p.phase, p.group_name, p.source_id
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
COMMENT ON COLUMN v_projects.field_codes IS 'Target fields as codes of the contract''s taxonomy (labels: table fields), in cell order; NULL, not an empty list, for lists without 対象分野 (FY2019 and older: coalesce(field_codes, []) for an empty list).';
COMMENT ON COLUMN v_projects.participants IS 'Co-applicants and partner organisations (canonical name, else as printed), in cell order.';
COMMENT ON COLUMN v_projects.participant_count IS 'Number of rows in participants for the project.';
COMMENT ON COLUMN v_projects.summary IS '事業概要 as printed (FY2020+ lists).';
COMMENT ON COLUMN v_projects.phase IS 'Phase the list states (projects.phase), null when none is stated.';
COMMENT ON COLUMN v_projects.group_name IS 'Group row naming the city pair (older lists).';
COMMENT ON COLUMN v_projects.source_id IS 'The PDF the row was read from (sources.source_id).';

CREATE OR REPLACE VIEW v_collaborations AS
WITH pair AS (
    SELECT d.lg_code, d.name AS domestic_city,
           coalesce(c.name_ja, c.name_raw) AS partner_city, c.country_code,
           c.name_en, c.name_raw, p.project_id, p.fiscal_year, p.phase,
           p.proposer_org_id, coalesce(o.name, p.proposer_name_raw) AS proposer
    FROM projects p
    JOIN domestic_cities d ON d.project_id = p.project_id
    JOIN partner_cities c ON c.project_id = p.project_id
    LEFT JOIN organizations o ON o.org_id = p.proposer_org_id
), yearly AS (
    SELECT lg_code, domestic_city, partner_city, country_code, fiscal_year,
           any_value(name_en) AS name_en,
           list(DISTINCT name_raw) AS printed,
           list(DISTINCT project_id ORDER BY project_id) AS project_ids,
           coalesce(list(DISTINCT phase) FILTER (WHERE phase IS NOT NULL), []) AS phases,
           list(DISTINCT proposer) FILTER (WHERE proposer IS NOT NULL) AS proposers,
           list(DISTINCT proposer_org_id) FILTER (WHERE proposer_org_id IS NOT NULL) AS proposer_org_ids
    FROM pair
    GROUP BY lg_code, domestic_city, partner_city, country_code, fiscal_year
)
SELECT
    lg_code, domestic_city, partner_city, any_value(name_en) AS partner_city_en, country_code,
    list_sort(list_distinct(flatten(list(printed)))) AS partner_names_printed,
    min(fiscal_year) AS first_year, max(fiscal_year) AS last_year,
    list(fiscal_year ORDER BY fiscal_year) AS years_active,
    count(*) > 1 AS continued,
    len(list_distinct(flatten(list(project_ids)))) AS project_count,
    map_from_entries(list((fiscal_year, project_ids) ORDER BY fiscal_year)) AS projects_by_year,
    list_sort(list_distinct(flatten(list(phases)))) AS phases,
    list_sort(list_distinct(flatten(list(coalesce(proposers, []))))) AS proposers,
    list_sort(list_distinct(flatten(list(coalesce(proposer_org_ids, []))))) AS proposer_org_ids
FROM yearly
GROUP BY lg_code, domestic_city, partner_city, country_code;

COMMENT ON VIEW v_collaborations IS 'One row per collaboration: a Japanese local government and a partner place abroad, across the years, with its projects year by year, the phases the lists state and the proposers. A place printed differently in two years is one place when the gazetteer says so (partner_names_printed shows the prints).';
COMMENT ON COLUMN v_collaborations.lg_code IS '全国地方公共団体コード of the Japanese local government.';
COMMENT ON COLUMN v_collaborations.domestic_city IS 'Canonical name of the Japanese local government.';
COMMENT ON COLUMN v_collaborations.partner_city IS 'Partner city or region abroad (gazetteer Japanese name, else as printed).';
COMMENT ON COLUMN v_collaborations.partner_city_en IS 'English name of the partner place (gazetteer).';
COMMENT ON COLUMN v_collaborations.country_code IS 'ISO 3166-1 alpha-2 code of the partner place''s country (countries.code).';
COMMENT ON COLUMN v_collaborations.partner_names_printed IS 'Every spelling the lists print for the partner place (partner_cities.name_raw), sorted.';
COMMENT ON COLUMN v_collaborations.first_year IS 'First fiscal year of the collaboration.';
COMMENT ON COLUMN v_collaborations.last_year IS 'Last fiscal year of the collaboration.';
COMMENT ON COLUMN v_collaborations.years_active IS 'Fiscal years with a project of the collaboration, ascending.';
COMMENT ON COLUMN v_collaborations.continued IS 'True when the collaboration has projects in more than one fiscal year (as v_city_pairs.continued).';
COMMENT ON COLUMN v_collaborations.project_count IS 'Distinct projects of the collaboration.';
COMMENT ON COLUMN v_collaborations.projects_by_year IS 'Map fiscal year -> the projects of that year (projects.project_id).';
COMMENT ON COLUMN v_collaborations.phases IS 'Phases the lists state for its projects (projects.phase), ascending; empty when none is stated.';
COMMENT ON COLUMN v_collaborations.proposers IS 'Canonical names of the proposers of its projects, sorted.';
COMMENT ON COLUMN v_collaborations.proposer_org_ids IS 'Those proposers (organizations.org_id), sorted.';

CREATE OR REPLACE VIEW v_city_pairs AS
SELECT lg_code, domestic_city, partner_city, partner_city_en, country_code,
       first_year, last_year, years_active, continued, project_count,
       list_sort(flatten(map_values(projects_by_year))) AS project_ids
FROM v_collaborations;

COMMENT ON VIEW v_city_pairs IS 'One row per pair of a Japanese local government and a partner city abroad that shared a project, with the years the pair was active: the rows of v_collaborations, in short.';
COMMENT ON COLUMN v_city_pairs.lg_code IS '全国地方公共団体コード of the Japanese local government.';
COMMENT ON COLUMN v_city_pairs.domestic_city IS 'Canonical name of the Japanese local government.';
COMMENT ON COLUMN v_city_pairs.partner_city IS 'Partner city or region abroad (gazetteer Japanese name, else as printed): one place however each year printed it.';
COMMENT ON COLUMN v_city_pairs.partner_city_en IS 'English name of the partner city (gazetteer).';
COMMENT ON COLUMN v_city_pairs.country_code IS 'ISO 3166-1 alpha-2 code of the partner city''s country.';
COMMENT ON COLUMN v_city_pairs.first_year IS 'First fiscal year the pair appears in.';
COMMENT ON COLUMN v_city_pairs.last_year IS 'Last fiscal year the pair appears in.';
COMMENT ON COLUMN v_city_pairs.years_active IS 'Fiscal years the pair appears in, ascending.';
COMMENT ON COLUMN v_city_pairs.continued IS 'True when the pair appears in more than one fiscal year (a continued collaboration or a later phase).';
COMMENT ON COLUMN v_city_pairs.project_count IS 'Projects the pair shared.';
COMMENT ON COLUMN v_city_pairs.project_ids IS 'Those projects (projects.project_id).';

CREATE OR REPLACE VIEW v_org_activity AS
SELECT o.org_id, o.name, o.org_type, a.fiscal_year, a.role_code, a.role,
       count(DISTINCT a.project_id) AS projects
FROM (
    SELECT proposer_org_id AS org_id, fiscal_year, 'proposer' AS role_code, '提案者' AS role, project_id
    FROM projects WHERE proposer_org_id IS NOT NULL
    UNION ALL
    SELECT org_id, fiscal_year, role_code, role, project_id FROM participants WHERE org_id IS NOT NULL
) a
JOIN organizations o ON o.org_id = a.org_id
GROUP BY o.org_id, o.name, o.org_type, a.fiscal_year, a.role_code, a.role;

COMMENT ON VIEW v_org_activity IS 'One row per organisation, fiscal year and printed role (提案者 for the proposer, else the participant role): how many projects it took part in. Group by role_code to count a role printed differently in different years once.';
COMMENT ON COLUMN v_org_activity.org_id IS 'The organisation (organizations.org_id).';
COMMENT ON COLUMN v_org_activity.name IS 'Canonical name of the organisation.';
COMMENT ON COLUMN v_org_activity.org_type IS 'Type of the organisation (organizations.org_type).';
COMMENT ON COLUMN v_org_activity.fiscal_year IS 'Fiscal year of the projects.';
COMMENT ON COLUMN v_org_activity.role_code IS 'Code of the role (roles.role_code): proposer, co_applicant (共同応募者 and 共同事業者 alike), cooperating_partner, ...';
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

CREATE OR REPLACE VIEW coverage AS
WITH adoption AS (
    SELECT fiscal_year, call_round, any_value(round_stated) AS round_stated,
           min(release_date) AS release_date, any_value(press_url) AS press_url,
           any_value(pdf_url) AS pdf_url, bool_or(in_registry) AS in_registry,
           bool_or(found_by_crawler) AS found_by_crawler, max(adopted) AS rows_stated,
           max(countries) AS quoted_countries, max(partner_cities) AS quoted_partner_cities,
           max(local_governments) AS quoted_local_governments
    FROM releases WHERE kind = 'adoption' GROUP BY fiscal_year, call_round),
lists AS (
    SELECT fiscal_year, call_round FROM adoption
    UNION SELECT fiscal_year, call_round FROM sources),
src AS (
    SELECT fiscal_year, call_round, bool_or(sha256 IS NOT NULL) AS downloaded,
           bool_or(status = 'ok') AS published, sum(rows_published) AS rows_published,
           string_agg(DISTINCT status, ',') AS status
    FROM sources GROUP BY fiscal_year, call_round)
SELECT
    l.fiscal_year, l.call_round, a.round_stated, a.release_date, a.press_url,
    coalesce(a.in_registry, false) AS in_registry,
    coalesce(a.found_by_crawler, false) AS found_by_crawler,
    a.pdf_url,
    coalesce(s.downloaded, false) AS downloaded,
    coalesce(s.published, false) AS published,
    s.status, a.rows_stated, coalesce(s.rows_published, 0) AS rows_published,
    CASE
        WHEN coalesce(s.published, false) AND (a.rows_stated IS NULL OR a.rows_stated = s.rows_published) THEN NULL
        WHEN coalesce(s.published, false) THEN 'rows differ from the count stated'
        WHEN s.fiscal_year IS NOT NULL AND coalesce(s.downloaded, false) THEN 'downloaded, not published (' || s.status || ')'
        WHEN s.fiscal_year IS NOT NULL THEN 'not downloaded (' || s.status || ')'
        WHEN a.pdf_url IS NOT NULL THEN 'PDF known, not fetched yet'
        WHEN a.found_by_crawler THEN 'release found, no PDF link'
        WHEN a.press_url IS NOT NULL THEN 'release known, not read yet'
        ELSE 'no release found'
    END AS missing,
    a.quoted_countries, a.quoted_partner_cities, a.quoted_local_governments,
    (SELECT count(DISTINCT p.country_code) FROM projects p
     WHERE p.fiscal_year < l.fiscal_year OR (p.fiscal_year = l.fiscal_year AND p.call_round <= l.call_round))
        AS warehouse_countries,
    (SELECT count(DISTINCT coalesce(c.name_ja, c.name_raw)) FROM projects p JOIN partner_cities c ON c.project_id = p.project_id
     WHERE p.fiscal_year < l.fiscal_year OR (p.fiscal_year = l.fiscal_year AND p.call_round <= l.call_round))
        AS warehouse_partner_cities,
    (SELECT count(DISTINCT coalesce(d.lg_code, d.name)) FROM projects p JOIN domestic_cities d ON d.project_id = p.project_id
     WHERE p.fiscal_year < l.fiscal_year OR (p.fiscal_year = l.fiscal_year AND p.call_round <= l.call_round))
        AS warehouse_local_governments
FROM lists l
LEFT JOIN adoption a USING (fiscal_year, call_round)
LEFT JOIN src s USING (fiscal_year, call_round)
ORDER BY l.fiscal_year, l.call_round;

COMMENT ON VIEW coverage IS 'Completeness: one row per adoption list (fiscal year and round) known from the registry, found by the crawler or fetched, with what reached the warehouse and what is missing, and the cumulative participation quoted in the release beside the distinct counts in the warehouse up to that list.';
COMMENT ON COLUMN coverage.fiscal_year IS 'Fiscal year of the list.';
COMMENT ON COLUMN coverage.call_round IS 'Call round of the list (1 where the year''s call had no number).';
COMMENT ON COLUMN coverage.round_stated IS 'True when a release states the round.';
COMMENT ON COLUMN coverage.release_date IS 'Date of the adoption release.';
COMMENT ON COLUMN coverage.press_url IS 'The adoption release.';
COMMENT ON COLUMN coverage.in_registry IS 'The list is in the built-in registry.';
COMMENT ON COLUMN coverage.found_by_crawler IS 'The crawler read its release on the site.';
COMMENT ON COLUMN coverage.pdf_url IS 'The list''s PDF, when known.';
COMMENT ON COLUMN coverage.downloaded IS 'A PDF of the list was downloaded.';
COMMENT ON COLUMN coverage.published IS 'Rows of the list are in the warehouse (a source with status ok).';
COMMENT ON COLUMN coverage.status IS 'Status of its source(s) in the last run (sources.status).';
COMMENT ON COLUMN coverage.rows_stated IS 'Projects adopted as stated in the release.';
COMMENT ON COLUMN coverage.rows_published IS 'Project rows of the list in the warehouse.';
COMMENT ON COLUMN coverage.missing IS 'What is missing, null when the list is complete: no release found, release known but not read yet, no PDF link, PDF not fetched yet, not downloaded, not published, rows differ.';
COMMENT ON COLUMN coverage.quoted_countries IS 'Cumulative partner countries quoted in the adoption release.';
COMMENT ON COLUMN coverage.quoted_partner_cities IS 'Cumulative partner cities and regions quoted in the adoption release.';
COMMENT ON COLUMN coverage.quoted_local_governments IS 'Cumulative Japanese local governments quoted in the adoption release.';
COMMENT ON COLUMN coverage.warehouse_countries IS 'Distinct partner countries in the warehouse up to and including this list.';
COMMENT ON COLUMN coverage.warehouse_partner_cities IS 'Distinct partner cities and regions in the warehouse up to and including this list.';
COMMENT ON COLUMN coverage.warehouse_local_governments IS 'Distinct Japanese local governments in the warehouse up to and including this list.';
