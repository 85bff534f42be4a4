package job

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/plumb-data/plumb/engine"
)

// history is a job's history database: an embedded DuckDB file with a
// row per run, per step of a run, and per metric of a step.
type history struct {
	db *engine.DB
}

// historySchema makes the history's tables; a new column goes at the
// end, with a default.
var historySchema = []string{
	`CREATE TABLE IF NOT EXISTS runs (job VARCHAR NOT NULL, run VARCHAR NOT NULL, run_at TIMESTAMP NOT NULL,
		exit_code INTEGER NOT NULL, seconds DOUBLE NOT NULL, anomalies INTEGER NOT NULL, PRIMARY KEY (job, run))`,
	`CREATE TABLE IF NOT EXISTS steps (job VARCHAR NOT NULL, run VARCHAR NOT NULL, run_at TIMESTAMP NOT NULL,
		step VARCHAR NOT NULL, kind VARCHAR NOT NULL, status VARCHAR NOT NULL, exit_code INTEGER NOT NULL,
		seconds DOUBLE NOT NULL, error VARCHAR)`,
	`CREATE TABLE IF NOT EXISTS metrics (job VARCHAR NOT NULL, run VARCHAR NOT NULL, run_at TIMESTAMP NOT NULL,
		step VARCHAR NOT NULL, metric VARCHAR NOT NULL, column_name VARCHAR NOT NULL, check_name VARCHAR NOT NULL,
		value DOUBLE NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS alerts (job VARCHAR NOT NULL, webhook VARCHAR NOT NULL, key VARCHAR NOT NULL,
		sent_at TIMESTAMP NOT NULL, run VARCHAR NOT NULL, PRIMARY KEY (job, webhook, key))`,
}

// openHistory opens (or makes) a history database.
func openHistory(ctx context.Context, path string) (*history, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	db, err := engine.Open(ctx, engine.Config{Path: path, Threads: 1})
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	for _, q := range historySchema {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			return nil, fmt.Errorf("history %s: %w", path, err)
		}
	}
	return &history{db: db}, nil
}

func (h *history) Close() error { return h.db.Close() }

// append adds a run, its steps and its metrics in one transaction: a
// run killed before it commits leaves nothing of itself in the history.
func (h *history) append(ctx context.Context, sum *Summary) error {
	at := "TIMESTAMP " + engine.Literal(sum.At.Format("2006-01-02 15:04:05"))
	job, run := engine.Literal(sum.Job), engine.Literal(sum.Run)
	var b strings.Builder
	b.WriteString("BEGIN TRANSACTION;\n")
	fmt.Fprintf(&b, "INSERT INTO runs VALUES (%s, %s, %s, %d, %s, %d);\n", job, run, at, sum.ExitCode, num(sum.Seconds), len(sum.Anomalies))
	var metrics []string
	for _, s := range sum.Steps {
		errText := "NULL"
		if s.Error != "" {
			errText = engine.Literal(s.Error)
		}
		fmt.Fprintf(&b, "INSERT INTO steps VALUES (%s, %s, %s, %s, %s, %s, %d, %s, %s);\n", job, run, at,
			engine.Literal(s.Name), engine.Literal(string(s.Kind)), engine.Literal(string(s.Status)), s.ExitCode, num(s.Seconds), errText)
		for _, m := range s.Metrics {
			metrics = append(metrics, fmt.Sprintf("(%s, %s, %s, %s, %s, %s, %s, %s)", job, run, at,
				engine.Literal(s.Name), engine.Literal(m.Name), engine.Literal(m.Column), engine.Literal(m.Check), num(m.Value)))
		}
	}
	for len(metrics) > 0 {
		n := min(len(metrics), 1000)
		b.WriteString("INSERT INTO metrics VALUES " + strings.Join(metrics[:n], ",\n") + ";\n")
		metrics = metrics[n:]
	}
	b.WriteString("COMMIT;")
	if _, err := h.db.ExecContext(ctx, b.String()); err != nil {
		_, rbErr := h.db.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return fmt.Errorf("history: append run %s: %w", sum.Run, errors.Join(err, ignoreNoTx(rbErr)))
	}
	return nil
}

// ignoreNoTx drops the error of a ROLLBACK with no transaction to roll
// back (the failed statement ended it).
func ignoreNoTx(err error) error {
	if err != nil && strings.Contains(err.Error(), "no transaction") {
		return nil
	}
	return err
}

// num writes a float as a DuckDB DOUBLE literal; NaN and infinities
// (never measured, but never silently wrong) are written as such.
func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "CAST(" + engine.Literal(strconv.FormatFloat(f, 'g', -1, 64)) + " AS DOUBLE)"
	}
	return "CAST(" + strconv.FormatFloat(f, 'g', -1, 64) + " AS DOUBLE)"
}

// series is the identity of a metric across runs.
type series struct{ step, metric, column, check string }

// past returns, for every metric the job has, its last window values
// before at, oldest first.
// With sameWeekday, only the runs on at's weekday (UTC) count.
func (h *history) past(ctx context.Context, job string, at time.Time, window int, sameWeekday bool) (map[series][]float64, error) {
	weekday := -1
	if sameWeekday {
		weekday = int(at.UTC().Weekday())
	}
	rows, err := h.db.QueryContext(ctx, `SELECT step, metric, column_name, check_name, value FROM (
		SELECT *, row_number() OVER (PARTITION BY step, metric, column_name, check_name ORDER BY run_at DESC) AS n
		FROM metrics WHERE job = ? AND run_at < ? AND (? < 0 OR dayofweek(run_at) = ?))
	WHERE n <= ? ORDER BY step, metric, column_name, check_name, run_at`, job, at, weekday, weekday, window)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	out := map[series][]float64{}
	for rows.Next() {
		var k series
		var v float64
		if err := rows.Scan(&k.step, &k.metric, &k.column, &k.check, &v); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		out[k] = append(out[k], v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return out, nil
}

// openAlerts returns the job's open alerts: by webhook, the keys posted
// and not yet cleared, with when they were last posted.
func (h *history) openAlerts(ctx context.Context, job string) (map[string]map[string]time.Time, error) {
	rows, err := h.db.QueryContext(ctx, `SELECT webhook, key, sent_at FROM alerts WHERE job = ?`, job)
	if err != nil {
		return nil, fmt.Errorf("history: alerts: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]time.Time{}
	for rows.Next() {
		var hook, key string
		var at time.Time
		if err := rows.Scan(&hook, &key, &at); err != nil {
			return nil, fmt.Errorf("history: alerts: %w", err)
		}
		if out[hook] == nil {
			out[hook] = map[string]time.Time{}
		}
		out[hook][key] = at.UTC()
	}
	return out, rows.Err()
}

// recordAlerts keeps, in one transaction, what each webhook was told: the
// alerts delivered are open from the run's time on, the cleared ones are
// closed. A webhook whose alert was not delivered keeps its state, so the
// next run tells it again.
func (h *history) recordAlerts(ctx context.Context, sum *Summary, plans []alertPlan, results []AlertResult) error {
	delivered := map[string]bool{}
	for _, r := range results {
		delivered[r.Webhook] = r.Delivered
	}
	job := engine.Literal(sum.Job)
	at := "TIMESTAMP " + engine.Literal(sum.At.Format("2006-01-02 15:04:05"))
	var b strings.Builder
	for _, p := range plans {
		if ok, tried := delivered[p.hook.Name]; tried && !ok {
			continue
		}
		hook := engine.Literal(p.hook.Name)
		for _, key := range p.cleared {
			fmt.Fprintf(&b, "DELETE FROM alerts WHERE job = %s AND webhook = %s AND key = %s;\n", job, hook, engine.Literal(key))
		}
		for _, a := range p.alerts {
			if a.Event == EventRecovery {
				continue
			}
			fmt.Fprintf(&b, "INSERT OR REPLACE INTO alerts VALUES (%s, %s, %s, %s, %s);\n", job, hook, engine.Literal(a.Key), at, engine.Literal(sum.Run))
		}
	}
	if b.Len() == 0 {
		return nil
	}
	return h.exec(ctx, "record alerts of run "+sum.Run, b.String())
}

// exec runs statements in one transaction.
func (h *history) exec(ctx context.Context, what, stmts string) error {
	if _, err := h.db.ExecContext(ctx, "BEGIN TRANSACTION;\n"+stmts+"COMMIT;"); err != nil {
		_, rbErr := h.db.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return fmt.Errorf("history: %s: %w", what, errors.Join(err, ignoreNoTx(rbErr)))
	}
	return nil
}
