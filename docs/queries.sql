-- Questions analysts ask of the C3P warehouse, answered in SQL.
--
-- Run one by name with `c3p query --name projects-per-year` (`c3p query --list` lists them),
-- or open the warehouse read-only in DuckDB 1.1 or later (1.x and 2.x alike):
--   duckdb -readonly data/warehouse.duckdb
-- Each query is preceded by `-- name: <slug>` and `-- question: <what it answers>`;
-- tests/test_analyst.py runs every one of them on the demo warehouse and checks the
-- answers against the ground truth of the sample lists.
-- Tables and views are described in docs/data_dictionary.md.

-- name: projects-per-year
-- question: How many projects were adopted each fiscal year, from how many lists and countries?
SELECT fiscal_year,
       count(*) AS projects,
       count(DISTINCT source_id) AS lists,
       count(DISTINCT country_code) AS countries
FROM projects
GROUP BY fiscal_year
ORDER BY fiscal_year;

-- name: projects-per-year-and-country
-- question: How many projects per fiscal year and partner country?
SELECT p.fiscal_year, p.country_code, c.name_ja AS country_name_ja, c.name_en AS country_name_en,
       count(*) AS projects
FROM projects p
LEFT JOIN countries c ON c.code = p.country_code
GROUP BY p.fiscal_year, p.country_code, c.name_ja, c.name_en
ORDER BY p.fiscal_year, projects DESC, p.country_code;

-- name: most-active-japanese-cities
-- question: Which Japanese local governments take part in the most projects, and in which years?
SELECT d.name AS city, d.lg_code, d.prefecture,
       count(DISTINCT d.project_id) AS projects,
       list(DISTINCT d.fiscal_year ORDER BY d.fiscal_year) AS years,
       count(DISTINCT p.country_code) AS partner_countries
FROM domestic_cities d
JOIN projects p USING (project_id)
GROUP BY d.name, d.lg_code, d.prefecture
ORDER BY projects DESC, city;

-- name: most-active-proposers
-- question: Which organisations propose (lead) the most projects, and of what type are they?
SELECT o.name AS proposer, o.org_type,
       count(*) AS projects,
       histogram(p.fiscal_year) AS projects_by_year
FROM projects p
JOIN organizations o ON o.org_id = p.proposer_org_id
GROUP BY o.name, o.org_type
ORDER BY projects DESC, proposer;

-- name: fields-over-time
-- question: Which target fields do projects address, year by year (lists before FY2020 have no 対象分野 column)?
SELECT f.fiscal_year, f.field_code, l.label_ja, l.label_en,
       count(DISTINCT f.project_id) AS projects,
       round(100.0 * count(DISTINCT f.project_id)
             / (SELECT count(*) FROM projects p WHERE p.fiscal_year = f.fiscal_year), 1) AS pct_of_year
FROM project_fields f
JOIN fields l USING (field_code)
GROUP BY f.fiscal_year, f.field_code, l.label_ja, l.label_en
ORDER BY f.fiscal_year, projects DESC, f.field_code;

-- name: continued-city-pairs
-- question: Which pairs of a Japanese city and a partner city continued over more than one fiscal year (a second phase)?
SELECT domestic_city, partner_city, partner_city_en, country_code,
       years_active, project_count, project_ids
FROM v_city_pairs
WHERE continued
ORDER BY domestic_city, partner_city;

-- name: collaborations-across-years
-- question: Which collaborations of a Japanese city and a partner place ran over several years, with which projects each year, which phases and which proposers (a place printed two ways counted once)?
SELECT domestic_city, partner_city, partner_names_printed, years_active, projects_by_year,
       phases, proposers
FROM v_collaborations
WHERE continued
ORDER BY domestic_city, partner_city;

-- name: organisations-active-in-a-year
-- question: Which organisations took part in FY2023 projects, in which role, and since which year have they been in the programme?
SELECT o.name, o.abbreviation, o.org_type, o.first_fiscal_year,
       list(DISTINCT a.role_code ORDER BY a.role_code) AS roles_that_year,
       sum(a.projects) FILTER (WHERE a.role_code = 'proposer') AS proposed_that_year,
       o.project_count AS projects_all_years
FROM v_org_activity a
JOIN organizations o USING (org_id)
WHERE a.fiscal_year = 2023
GROUP BY o.name, o.abbreviation, o.org_type, o.first_fiscal_year, o.project_count
ORDER BY proposed_that_year DESC NULLS LAST, projects_all_years DESC, o.name;

-- name: participant-roles
-- question: In which roles do organisations join projects, year by year (one code for a role the lists print differently, e.g. 共同事業者 and 共同応募者)?
SELECT x.fiscal_year, x.role_code, r.label_en,
       list(DISTINCT x.role ORDER BY x.role) AS printed_as,
       count(*) AS participations, count(DISTINCT x.org_id) AS organisations
FROM participants x
JOIN roles r USING (role_code)
GROUP BY x.fiscal_year, x.role_code, r.label_en
ORDER BY x.fiscal_year, participations DESC;

-- name: organisations-by-type
-- question: What kinds of organisations take part, and how many projects does each kind touch?
SELECT o.org_type,
       count(DISTINCT o.org_id) AS organisations,
       count(DISTINCT s.org_id) FILTER (WHERE s.projects_as_proposer > 0) AS proposers,
       coalesce(sum(s.projects_total), 0) AS project_participations
FROM organizations o
LEFT JOIN v_org_summary s ON s.org_id = o.org_id
GROUP BY o.org_type
ORDER BY organisations DESC, o.org_type;

-- name: repeat-organisations
-- question: Which organisations appear in more than one fiscal year, in any role?
SELECT name, org_type, years_active, projects_as_proposer, projects_as_participant, projects_total
FROM v_org_summary
WHERE len(years_active) > 1
ORDER BY projects_total DESC, name;

-- name: largest-consortia
-- question: Which projects have the most co-applicants and partner organisations?
SELECT project_id, fiscal_year, proposer_name, country_code, participant_count,
       domestic_cities, project_name
FROM v_projects
ORDER BY participant_count DESC, project_id
LIMIT 10;

-- name: partner-cities-per-country
-- question: Which partner cities and regions abroad take part, per country, and how often?
SELECT c.country_code, coalesce(c.name_ja, c.name_raw) AS partner_city, c.name_en,
       count(DISTINCT c.project_id) AS projects,
       list(DISTINCT c.fiscal_year ORDER BY c.fiscal_year) AS years,
       any_value(c.lat) AS lat, any_value(c.lon) AS lon
FROM partner_cities c
GROUP BY c.country_code, coalesce(c.name_ja, c.name_raw), c.name_en
ORDER BY c.country_code, projects DESC, partner_city;

-- name: source-health
-- question: Which adoption lists were read, did their row counts match the press release, and which failed and why?
SELECT fiscal_year, call_round, status, rows_extracted, rows_expected, rows_published,
       rows_expected IS NULL OR rows_extracted = rows_expected AS count_matches,
       fetch_status, error, url
FROM sources
ORDER BY fiscal_year, call_round;
