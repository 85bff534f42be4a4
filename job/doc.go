// Package job runs a plumb job: a YAML file that names its sources once
// and lists steps (inspect, profile, check, diff, dedupe), run one after
// the other, each in a DuckDB session of its own. A run writes every
// step's report into a folder of its own under the job's reports folder,
// appends the run's metrics to the job's history (an embedded DuckDB
// file), and scores each metric against its own past to flag anomalies
// (optionally against the same weekday only, with rules per metric).
// Once the run is kept, old runs are pruned (retain:), the job's history
// page and the reports folder's dashboard are rewritten, and webhooks
// (notify:) are told of failures, anomalies and recoveries.
//
// A job file:
//
//	name: nightly-crm
//	sources:
//	  legacy: exports/legacy.csv
//	  crm: postgres://plumb:${CRM_PASSWORD}@db/crm?table=customers
//	steps:
//	  - profile: {source: crm}
//	  - check: {source: crm, rules: checks.yaml}
//	  - diff: {source: legacy, target: crm, key: id, tolerance: {balance: 0.01}}
//	anomalies: {window: 14, min_runs: 5, threshold: 3}
//	notify: {webhooks: [{url: "${SLACK_WEBHOOK}", format: slack}]}
//	retain: {runs: 90}
//
// Load reads and checks a job file (errors name line and column); Run
// runs it:
//
//	j, err := job.Load("nightly.yaml", os.LookupEnv)
//	sum, err := job.Run(ctx, j, job.Options{Reports: "reports", Open: open})
//
// The summary's ExitCode is the worst of the steps' (0 clean, 1 findings
// or anomalies, 2 a step could not run).
package job
