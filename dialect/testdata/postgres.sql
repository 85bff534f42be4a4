-- counts
SELECT count(*), count(("e""mail")::text), count(CASE WHEN ((("e""mail")::text COLLATE "C") = '') THEN 1 END), count(CASE WHEN (((("e""mail")::text COLLATE "C") <> '') AND ((btrim(("e""mail")::text, '	
                  　') COLLATE "C") = '')) THEN 1 END), count(CASE WHEN ((btrim(("e""mail")::text, '	
                  　') COLLATE "C") IN ('N/A', 'it''s', 'a\b')) THEN 1 END), count(DISTINCT (("e""mail")::text COLLATE "C")), min((("e""mail")::text COLLATE "C")), max((("e""mail")::text COLLATE "C")) FROM "crm"."cust`omers";

-- top values
SELECT (("e""mail")::text COLLATE "C") AS "v", count(*) AS "n" FROM "crm"."cust`omers" WHERE (("e""mail")::text IS NOT NULL) GROUP BY (("e""mail")::text COLLATE "C") ORDER BY count(*) DESC, (("e""mail")::text COLLATE "C") LIMIT 10;

-- lengths
SELECT char_length(("e""mail")::text), count(*) FROM "crm"."cust`omers" GROUP BY char_length(("e""mail")::text);

-- numbers
SELECT min("amount"), max("amount"), avg("amount"::float8), stddev_samp("amount"::float8), ("amount")::text, CASE WHEN "flag" THEN 'true' WHEN NOT "flag" THEN 'false' END, to_char("day", 'YYYY-MM-DD') FROM (SELECT * FROM orders WHERE total > 0) AS q;

-- patterns
SELECT translate(("e""mail")::text, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'AAAAAAAAAAAAAAAAAAAAAAAAAAaaaaaaaaaaaaaaaaaaaaaaaaaa9999999999'), count(*) FROM "crm"."cust`omers" WHERE (octet_length(("e""mail")::text) = char_length(("e""mail")::text)) GROUP BY translate(("e""mail")::text, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'AAAAAAAAAAAAAAAAAAAAAAAAAAaaaaaaaaaaaaaaaaaaaaaaaaaa9999999999');

-- quantiles
SELECT percentile_disc(0.95) WITHIN GROUP (ORDER BY "amount") FROM "crm"."cust`omers";

-- histogram
SELECT least(floor(((("amount")::float8 - -1.5) / 0.1)), 19) AS "b", count(*) FROM "crm"."cust`omers" WHERE ("amount" IS NOT NULL) GROUP BY "b";

-- key pair
SELECT count(DISTINCT ("a", "b")) FROM "crm"."cust`omers";

-- failing sample
SELECT "rn", "v" FROM (SELECT row_number() OVER (ORDER BY "id") AS "rn", count(*) OVER (PARTITION BY (("e""mail")::text COLLATE "C")) AS "c", ("e""mail")::text AS "v", (("e""mail")::text IS NULL) AS "f" FROM "crm"."cust`omers") AS q WHERE "f" ORDER BY "rn" LIMIT 5;

-- references
SELECT count(*) FROM "crm"."cust`omers" WHERE (("cust_id" IS NOT NULL) AND (NOT EXISTS (SELECT 1 FROM "crm"."accounts" WHERE ("accounts"."id" = "cust_id"))));

-- sample
SELECT * FROM "crm"."cust`omers" TABLESAMPLE BERNOULLI (1) REPEATABLE (42);

