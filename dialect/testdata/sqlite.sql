-- counts
SELECT count(*), count(CAST("e""mail" AS TEXT)), count(CASE WHEN (CAST("e""mail" AS TEXT) = '') THEN 1 END), count(CASE WHEN ((CAST("e""mail" AS TEXT) <> '') AND (trim(CAST("e""mail" AS TEXT), '	
                  　') = '')) THEN 1 END), count(CASE WHEN (trim(CAST("e""mail" AS TEXT), '	
                  　') IN ('N/A', 'it''s', 'a\b')) THEN 1 END), count(DISTINCT CAST("e""mail" AS TEXT)), min(CAST("e""mail" AS TEXT)), max(CAST("e""mail" AS TEXT)) FROM "crm"."cust`omers";

-- top values
SELECT CAST("e""mail" AS TEXT) AS "v", count(*) AS "n" FROM "crm"."cust`omers" WHERE (CAST("e""mail" AS TEXT) IS NOT NULL) GROUP BY CAST("e""mail" AS TEXT) ORDER BY count(*) DESC, CAST("e""mail" AS TEXT) LIMIT 10;

-- lengths
SELECT length(CAST("e""mail" AS TEXT)), count(*) FROM "crm"."cust`omers" GROUP BY length(CAST("e""mail" AS TEXT));

-- numbers
-- unsupported: dialect sqlite: no stddev_samp

-- patterns
-- unsupported: dialect sqlite: no mask_ascii

-- quantiles
-- unsupported: dialect sqlite: no quantile_disc

-- histogram
SELECT min(floor(((CAST("amount" AS REAL) - -1.5) / 0.1)), 19) AS "b", count(*) FROM "crm"."cust`omers" WHERE ("amount" IS NOT NULL) GROUP BY "b";

-- key pair
-- unsupported: dialect sqlite: no count_distinct_tuple

-- failing sample
SELECT "rn", "v" FROM (SELECT row_number() OVER (ORDER BY "id") AS "rn", count(*) OVER (PARTITION BY CAST("e""mail" AS TEXT)) AS "c", CAST("e""mail" AS TEXT) AS "v", (CAST("e""mail" AS TEXT) IS NULL) AS "f" FROM "crm"."cust`omers") AS q WHERE "f" ORDER BY "rn" LIMIT 5;

-- references
SELECT count(*) FROM "crm"."cust`omers" WHERE (("cust_id" IS NOT NULL) AND (NOT EXISTS (SELECT 1 FROM "crm"."accounts" WHERE ("accounts"."id" = "cust_id"))));

-- sample
-- unsupported: dialect sqlite: no sample

