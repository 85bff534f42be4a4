-- counts
SELECT count(), count(`e"mail`), countIf((`e"mail` = '')), countIf(((`e"mail` <> '') AND (replaceRegexpAll(`e"mail`, '^[	
                  　]+|[	
                  　]+$', '') = ''))), countIf((replaceRegexpAll(`e"mail`, '^[	
                  　]+|[	
                  　]+$', '') IN ('N/A', 'it\'s', 'a\\b'))), uniqExact(`e"mail`), min(`e"mail`), max(`e"mail`) FROM `crm`.`cust``omers`;

-- top values
SELECT `e"mail` AS `v`, count() AS `n` FROM `crm`.`cust``omers` WHERE (`e"mail` IS NOT NULL) GROUP BY `e"mail` ORDER BY count() DESC, `e"mail` LIMIT 10;

-- lengths
SELECT lengthUTF8(`e"mail`), count() FROM `crm`.`cust``omers` GROUP BY lengthUTF8(`e"mail`);

-- numbers
-- unsupported: dialect clickhouse: no text of class 2

-- patterns
SELECT replaceRegexpAll(replaceRegexpAll(replaceRegexpAll(`e"mail`, '[A-Z]', 'A'), '[a-z]', 'a'), '[0-9]', '9'), count() FROM `crm`.`cust``omers` WHERE (length(`e"mail`) = lengthUTF8(`e"mail`)) GROUP BY replaceRegexpAll(replaceRegexpAll(replaceRegexpAll(`e"mail`, '[A-Z]', 'A'), '[a-z]', 'a'), '[0-9]', '9');

-- quantiles
-- unsupported: dialect clickhouse: no quantile_disc

-- histogram
SELECT least(floor(((toFloat64(`amount`) - -1.5) / 0.1)), 19) AS `b`, count() FROM `crm`.`cust``omers` WHERE (`amount` IS NOT NULL) GROUP BY `b`;

-- key pair
SELECT uniqExact(`a`, `b`) FROM `crm`.`cust``omers`;

-- failing sample
-- unsupported: dialect clickhouse: no window functions

-- references
SELECT count() FROM `crm`.`cust``omers` WHERE ((`cust_id` IS NOT NULL) AND (NOT EXISTS (SELECT 1 FROM `crm`.`accounts` WHERE (`accounts`.`id` = `cust_id`))));

-- sample
-- unsupported: dialect clickhouse: no sample

