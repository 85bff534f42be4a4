-- counts
SELECT count(*), count(`e"mail`), count(CASE WHEN (CAST(`e"mail` AS BINARY) = '') THEN 1 END), count(CASE WHEN ((CAST(`e"mail` AS BINARY) <> '') AND (CAST(regexp_replace(`e"mail`, '^[	
                  　]+|[	
                  　]+$', '') AS BINARY) = '')) THEN 1 END), count(CASE WHEN (CAST(regexp_replace(`e"mail`, '^[	
                  　]+|[	
                  　]+$', '') AS BINARY) IN ('N/A', 'it''s', 'a\\b')) THEN 1 END), count(DISTINCT CAST(`e"mail` AS BINARY)), min(CAST(`e"mail` AS BINARY)), max(CAST(`e"mail` AS BINARY)) FROM `crm`.`cust``omers`;

-- top values
SELECT CAST(`e"mail` AS BINARY) AS `v`, count(*) AS `n` FROM `crm`.`cust``omers` WHERE (`e"mail` IS NOT NULL) GROUP BY CAST(`e"mail` AS BINARY) ORDER BY count(*) DESC, CAST(`e"mail` AS BINARY) LIMIT 10;

-- lengths
SELECT char_length(`e"mail`), count(*) FROM `crm`.`cust``omers` GROUP BY char_length(`e"mail`);

-- numbers
SELECT min(`amount`), max(`amount`), avg(CAST(`amount` AS DOUBLE)), stddev_samp(CAST(`amount` AS DOUBLE)), CAST(`amount` AS CHAR), CASE WHEN `flag` <> 0 THEN 'true' WHEN `flag` = 0 THEN 'false' END, date_format(`day`, '%Y-%m-%d') FROM (SELECT * FROM orders WHERE total > 0) AS q;

-- patterns
SELECT regexp_replace(regexp_replace(regexp_replace(CAST(`e"mail` AS BINARY), '[A-Z]', 'A'), '[a-z]', 'a'), '[0-9]', '9'), count(*) FROM `crm`.`cust``omers` WHERE (length(`e"mail`) = char_length(`e"mail`)) GROUP BY regexp_replace(regexp_replace(regexp_replace(CAST(`e"mail` AS BINARY), '[A-Z]', 'A'), '[a-z]', 'a'), '[0-9]', '9');

-- quantiles
-- unsupported: dialect mysql: no quantile_disc

-- histogram
SELECT least(floor(((CAST(`amount` AS DOUBLE) - -1.5) / 0.1)), 19) AS `b`, count(*) FROM `crm`.`cust``omers` WHERE (`amount` IS NOT NULL) GROUP BY `b`;

-- key pair
SELECT count(DISTINCT `a`, `b`) FROM `crm`.`cust``omers`;

-- failing sample
SELECT `rn`, `v` FROM (SELECT row_number() OVER (ORDER BY `id`) AS `rn`, count(*) OVER (PARTITION BY CAST(`e"mail` AS BINARY)) AS `c`, `e"mail` AS `v`, (`e"mail` IS NULL) AS `f` FROM `crm`.`cust``omers`) AS q WHERE `f` ORDER BY `rn` LIMIT 5;

-- references
SELECT count(*) FROM `crm`.`cust``omers` WHERE ((`cust_id` IS NOT NULL) AND (NOT EXISTS (SELECT 1 FROM `crm`.`accounts` WHERE (`accounts`.`id` = `cust_id`))));

-- sample
SELECT * FROM (SELECT * FROM `crm`.`cust``omers` WHERE rand(42) < 0.01) AS s;

