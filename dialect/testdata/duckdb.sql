-- counts
SELECT count(*), count(CAST("e""mail" AS VARCHAR)), count(*) FILTER (WHERE (CAST("e""mail" AS VARCHAR) = '')), count(*) FILTER (WHERE ((CAST("e""mail" AS VARCHAR) <> '') AND (trim(CAST("e""mail" AS VARCHAR), '	
                  　') = ''))), count(*) FILTER (WHERE (trim(CAST("e""mail" AS VARCHAR), '	
                  　') IN ('N/A', 'it''s', 'a\b'))), count(DISTINCT CAST("e""mail" AS VARCHAR)), min(CAST("e""mail" AS VARCHAR)), max(CAST("e""mail" AS VARCHAR)) FROM "crm"."cust`omers";

-- top values
SELECT CAST("e""mail" AS VARCHAR) AS "v", count(*) AS "n" FROM "crm"."cust`omers" WHERE (CAST("e""mail" AS VARCHAR) IS NOT NULL) GROUP BY CAST("e""mail" AS VARCHAR) ORDER BY count(*) DESC, CAST("e""mail" AS VARCHAR) LIMIT 10;

-- lengths
SELECT length(CAST("e""mail" AS VARCHAR)), count(*) FROM "crm"."cust`omers" GROUP BY length(CAST("e""mail" AS VARCHAR));

-- numbers
SELECT min("amount"), max("amount"), avg(CAST("amount" AS DOUBLE)), stddev_samp(CAST("amount" AS DOUBLE)), CAST("amount" AS VARCHAR), CAST("flag" AS VARCHAR), CAST("day" AS VARCHAR) FROM (SELECT * FROM orders WHERE total > 0) AS q;

-- patterns
SELECT translate(CAST("e""mail" AS VARCHAR), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'AAAAAAAAAAAAAAAAAAAAAAAAAAaaaaaaaaaaaaaaaaaaaaaaaaaa9999999999'), count(*) FROM "crm"."cust`omers" WHERE (octet_length(encode(CAST("e""mail" AS VARCHAR))) = length(CAST("e""mail" AS VARCHAR))) GROUP BY translate(CAST("e""mail" AS VARCHAR), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'AAAAAAAAAAAAAAAAAAAAAAAAAAaaaaaaaaaaaaaaaaaaaaaaaaaa9999999999');

-- quantiles
SELECT quantile_disc("amount", 0.95) FROM "crm"."cust`omers";

-- histogram
SELECT least(floor(((CAST("amount" AS DOUBLE) - -1.5) / 0.1)), 19) AS "b", count(*) FROM "crm"."cust`omers" WHERE ("amount" IS NOT NULL) GROUP BY "b";

-- key pair
SELECT count(DISTINCT ("a", "b")) FROM "crm"."cust`omers";

-- failing sample
SELECT "rn", "v" FROM (SELECT row_number() OVER (ORDER BY "id") AS "rn", count(*) OVER (PARTITION BY CAST("e""mail" AS VARCHAR)) AS "c", CAST("e""mail" AS VARCHAR) AS "v", (CAST("e""mail" AS VARCHAR) IS NULL) AS "f" FROM "crm"."cust`omers") AS q WHERE "f" ORDER BY "rn" LIMIT 5;

-- references
SELECT count(*) FROM "crm"."cust`omers" WHERE (("cust_id" IS NOT NULL) AND (NOT EXISTS (SELECT 1 FROM "crm"."accounts" WHERE ("accounts"."id" = "cust_id"))));

-- sample
SELECT * FROM "crm"."cust`omers" USING SAMPLE 1% (bernoulli, 42);

