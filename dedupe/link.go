//go:build duckdb_arrow

package dedupe

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/result"
)

// LinkResult is what RunLink found (result.Link).
type LinkResult = result.Link

// LinkOptions say how to link two sources with a config. The zero value
// uses the config's threshold, keeps every pair over it (a record may
// match several on the other side), scores against no truth and writes
// no files.
type LinkOptions struct {
	// Threshold overrides the config's when > 0.
	Threshold float64
	// OneToOne links each record to at most one on the other side:
	// pairs are taken best first (highest weight, then record order),
	// and a pair whose left or right record is already taken is dropped.
	OneToOne bool
	// TruthLeft and TruthRight name columns of true entity labels on
	// each side to score the cross-reference against; both or neither.
	TruthLeft, TruthRight string
	// XrefPath receives the cross-reference: left_id, right_id, weight,
	// probability and each field's values, similarity, level and weight.
	// UnmatchedPath receives the records of either side in no match:
	// side, id and the compared fields as written. Each is written in the
	// format its name asks for (engine.OutputFormat).
	XrefPath, UnmatchedPath string
	// Now is the clock for stage timings; nil means time.Now.
	Now func() time.Time
	// Seed drives the random pairs u is estimated from.
	Seed uint64
	// Progress, when set, is told what is being done as the work moves
	// on; it may be called from several goroutines.
	Progress func(stage string)
}

// maxWeakest is how many of the weakest matches a link result explains.
const maxWeakest = 10

// RunLink links the records of left and right (loaded with LoadOptions)
// that describe the same entity, as cfg (from ParseLink) says: candidate
// pairs join a left record to a right one on a blocking rule's keys,
// never two of one side, and the model is trained on those pairs.
func RunLink(ctx context.Context, db *engine.DB, left, right *engine.Table, cfg *Config, opts LinkOptions) (*LinkResult, error) {
	if cfg == nil {
		return nil, errors.New("link: no config")
	}
	if (opts.TruthLeft == "") != (opts.TruthRight == "") {
		return nil, errors.New("link: truth needs a column on each side")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := newRunner(db, left, cfg, Options{Threshold: opts.Threshold, Now: opts.Now, Seed: opts.Seed, Progress: opts.Progress})
	r.side = &linkSide{right: right, opts: opts}
	defer r.scratch.Drop(ctx)
	res, err := r.link(ctx)
	if err != nil {
		return nil, fmt.Errorf("link %s and %s: %w", left.Source, right.Source, withoutSQL(err))
	}
	return res, nil
}

func (r *runner) link(ctx context.Context) (*LinkResult, error) {
	threshold, err := r.model(ctx)
	if err != nil {
		return nil, err
	}
	opts := r.side.opts
	nl := r.side.left
	res := &LinkResult{
		Left:      result.LinkSide{Source: r.t.Source, Records: nl},
		Right:     result.LinkSide{Source: r.side.right.Source, Records: r.res.Records - nl},
		Threshold: threshold, OneToOne: opts.OneToOne, Rules: r.res.Rules, CandidatePairs: r.res.CandidatePairs,
		Lambda: r.res.Lambda, EMIterations: r.res.EMIterations, Model: r.res.Model, Warnings: r.res.Warnings, Weakest: []Link{},
	}
	for _, f := range r.cfg.Fields {
		res.Fields = append(res.Fields, result.LinkFieldMap{Column: f.Column, Left: f.LeftColumn(), Right: f.RightColumn()})
	}
	links, err := r.linkedPairs(ctx, threshold)
	if err != nil {
		return nil, fmt.Errorf("link: %w", err)
	}
	res.Links = r.res.Links
	matches := links
	if opts.OneToOne {
		if matches, err = r.oneToOne(ctx, links); err != nil {
			return nil, fmt.Errorf("one-to-one: %w", err)
		}
	}
	q := fmt.Sprintf(`SELECT count(*), (SELECT count(DISTINCT a) FROM %[1]s), (SELECT count(*) FROM (SELECT a FROM %[1]s GROUP BY a HAVING count(*) > 1)),
		(SELECT count(DISTINCT b) FROM %[1]s), (SELECT count(*) FROM (SELECT b FROM %[1]s GROUP BY b HAVING count(*) > 1)) FROM %[1]s`, engine.Ident(matches))
	if err := r.db.QueryRowContext(ctx, q).Scan(&res.Matches, &res.Left.Matched, &res.Left.Multiple, &res.Right.Matched, &res.Right.Multiple); err != nil {
		return nil, err
	}
	res.Left.Unmatched, res.Right.Unmatched = res.Left.Records-res.Left.Matched, res.Right.Records-res.Right.Matched
	if res.Weakest, err = r.weakest(ctx, matches); err != nil {
		return nil, fmt.Errorf("weakest matches: %w", err)
	}
	r.stage("link")
	if opts.TruthLeft != "" {
		if res.Truth, err = r.linkAccuracy(ctx, matches); err != nil {
			return nil, fmt.Errorf("score against %s and %s: %w", opts.TruthLeft, opts.TruthRight, err)
		}
	}
	if opts.XrefPath != "" {
		if err := r.writePairs(ctx, matches, r.ids(r.t, r.cfg.ID, 0), r.ids(r.side.right, r.cfg.RightID, nl), opts.XrefPath, "left_id", "right_id"); err != nil {
			return nil, fmt.Errorf("cross-reference: %w", err)
		}
	}
	if opts.UnmatchedPath != "" {
		if err := r.writeUnmatched(ctx, matches); err != nil {
			return nil, fmt.Errorf("unmatched: %w", err)
		}
	}
	r.stage("report")
	res.Stages = r.res.Stages
	return res, nil
}

// oneToOne keeps, best first, the links whose records are both still
// free: Go streams the links in order and holds a bit per record.
func (r *runner) oneToOne(ctx context.Context, links string) (string, error) {
	kept, err := r.table(ctx, "plumb_link_matches", "(a BIGINT, b BIGINT, weight DOUBLE)")
	if err != nil {
		return "", err
	}
	app, err := r.db.NewAppender(ctx, kept)
	if err != nil {
		return "", err
	}
	taken := make([]uint64, r.res.Records/64+1)
	free := func(rid int64) bool { return taken[rid/64]&(1<<(rid%64)) == 0 }
	take := func(rid int64) { taken[rid/64] |= 1 << (rid % 64) }
	rows, err := r.db.QueryContext(ctx, "SELECT a, b, weight FROM "+engine.Ident(links)+" ORDER BY weight DESC, a, b")
	if err != nil {
		app.Close()
		return "", err
	}
	for rows.Next() {
		var a, b int64
		var w float64
		if err = rows.Scan(&a, &b, &w); err != nil {
			break
		}
		if !free(a) || !free(b) {
			continue
		}
		take(a)
		take(b)
		if err = app.Append(a, b, w); err != nil {
			break
		}
	}
	rows.Close()
	if err := errors.Join(err, rows.Err(), app.Close()); err != nil {
		return "", err
	}
	return kept, nil
}

// weakest explains the matches closest to the threshold.
func (r *runner) weakest(ctx context.Context, matches string) ([]Link, error) {
	q := r.linkedQuery(matches, r.ids(r.t, r.cfg.ID, 0), r.ids(r.side.right, r.cfg.RightID, r.side.left)) + " ORDER BY s.weight, s.a, s.b LIMIT " + fmt.Sprint(maxWeakest)
	rows, err := r.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	nf := len(r.cfg.Fields)
	out := []Link{}
	for rows.Next() {
		var a, b int64
		var ida, idb sql.NullString
		var w float64
		vals := make([]sql.NullString, 2*nf)
		dest := []any{&a, &b, &ida, &idb, &w}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		tfv := make([]sql.NullFloat64, nf)
		for i, tf := range r.tf {
			if tf != "" {
				dest = append(dest, &tfv[i])
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		x, y, tf := make([]string, nf), make([]string, nf), make([]float64, nf)
		for i := range nf {
			x[i], y[i], tf[i] = vals[2*i].String, vals[2*i+1].String, tfv[i].Float64
		}
		out = append(out, Link{A: ida.String, B: idb.String, Weight: round(w), Probability: round(probOf(w)), Fields: r.explain(x, y, tf)})
	}
	return out, rows.Err()
}

// linkAccuracy scores the matches against a label column on each side:
// true pairs are the left × right pairs that share a label.
func (r *runner) linkAccuracy(ctx context.Context, matches string) (*result.LinkAccuracy, error) {
	opts := r.side.opts
	a := &result.LinkAccuracy{Left: opts.TruthLeft, Right: opts.TruthRight}
	labels := func(t *engine.Table, col string, offset int64) string {
		return fmt.Sprintf("SELECT row_number() OVER () + %d AS rid, CAST(%s AS VARCHAR) AS label FROM %s", offset, engine.Ident(col), engine.Ident(t.Name))
	}
	q := `WITH l AS MATERIALIZED (` + labels(r.t, opts.TruthLeft, 0) + `), rt AS MATERIALIZED (` + labels(r.side.right, opts.TruthRight, r.side.left) + `)
	SELECT (SELECT coalesce(sum(x.n * y.n), 0) FROM (SELECT label, count(*) AS n FROM l WHERE label IS NOT NULL GROUP BY label) x
			JOIN (SELECT label, count(*) AS n FROM rt WHERE label IS NOT NULL GROUP BY label) y USING (label))::BIGINT,
		(SELECT count(*) FROM ` + engine.Ident(matches) + `),
		(SELECT count(*) FROM ` + engine.Ident(matches) + ` m JOIN l ON l.rid = m.a JOIN rt ON rt.rid = m.b WHERE l.label = rt.label)`
	if err := r.db.QueryRowContext(ctx, q).Scan(&a.TruePairs, &a.PredictedPairs, &a.TruePositivePairs); err != nil {
		return nil, err
	}
	a.Precision, a.Recall = ratio(a.TruePositivePairs, a.PredictedPairs), ratio(a.TruePositivePairs, a.TruePairs)
	a.F1 = round(f1(a.Precision, a.Recall))
	a.Precision, a.Recall = round(a.Precision), round(a.Recall)
	return a, nil
}

// writeUnmatched writes the records of either side in no match, left
// first, each in source order: side, id, and the compared fields as
// written, under the fields' names.
func (r *runner) writeUnmatched(ctx context.Context, matches string) error {
	side := func(name string, t *engine.Table, idCol string, col func(Field) string, offset int64, key string) string {
		sel := []string{engine.Literal(name) + " AS side", "CAST(" + colOr(idCol, fmt.Sprintf("rid - %d", offset)) + " AS VARCHAR) AS id"}
		for _, f := range r.cfg.Fields {
			sel = append(sel, "CAST("+engine.Ident(col(f))+" AS VARCHAR) AS "+engine.Ident(f.Column))
		}
		return fmt.Sprintf("SELECT %s, rid FROM (SELECT row_number() OVER () + %d AS rid, * FROM %s) WHERE rid NOT IN (SELECT %s FROM %s)",
			strings.Join(sel, ", "), offset, engine.Ident(t.Name), key, engine.Ident(matches))
	}
	q := "SELECT * EXCLUDE (rid) FROM (" + side("left", r.t, r.cfg.ID, Field.LeftColumn, 0, "a") + " UNION ALL " +
		side("right", r.side.right, r.cfg.RightID, Field.RightColumn, r.side.left, "b") + ") ORDER BY rid"
	return r.db.WriteQuery(ctx, q, r.side.opts.UnmatchedPath)
}

// colOr is the quoted column col, or expr when col is empty.
func colOr(col, expr string) string {
	if col == "" {
		return expr
	}
	return engine.Ident(col)
}
