package profile

// valueBytes is what the budget is charged for each distinct value kept
// exactly: 16 bytes held, and 32 more while finish gathers and sorts
// them.
const valueBytes = 48

// values are a column's parsed values (numbers, or Unix seconds) with
// their counts: every distinct value while the budget has room (exact
// quantiles), then a kll sketch of them and their moments (quantiles,
// histogram and tail within kllRankError; mean and deviation still
// computed over every value).
type values struct {
	exact  blocks[weighted]
	held   int64 // bytes taken from mem for exact
	sketch *kll  // once the budget ran out
	mom    moments
	mem    *memory
}

func (s *values) add(w weighted) {
	if s.sketch != nil {
		s.sketch.add(w.v, w.n)
		s.mom.add(w.v, w.n)
		return
	}
	if len(s.exact.cur) == cap(s.exact.cur) {
		size := int64(s.exact.nextSize()) * valueBytes
		if !s.mem.take(size) {
			s.toSketch()
			s.add(w)
			return
		}
		s.held += size
	}
	s.exact.add(w)
}

// toSketch moves the values kept exactly into a sketch.
func (s *values) toSketch() {
	if s.sketch != nil {
		return
	}
	s.sketch = newKLL()
	s.exact.each(func(w weighted) {
		s.sketch.add(w.v, w.n)
		s.mom.add(w.v, w.n)
	})
	s.release()
}

// release gives back the memory of the values kept exactly, and drops
// them.
func (s *values) release() {
	s.exact = blocks[weighted]{}
	s.mem.give(s.held)
	s.held = 0
}

// merge takes o's values: exactly if both are exact, else in a sketch.
func (s *values) merge(o *values) {
	if s.sketch == nil && o.sketch == nil {
		s.exact.merge(&o.exact)
		s.held += o.held
		o.exact, o.held = blocks[weighted]{}, 0
		return
	}
	s.toSketch()
	o.toSketch()
	s.sketch.merge(o.sketch)
	s.mom.merge(o.mom)
}

// approx reports whether the values are in a sketch.
func (s *values) approx() bool { return s.sketch != nil }

// stats are the values' statistics (nil for no value); ext holds the
// smallest and largest of them.
func (s *values) stats(ext extreme) (*Numeric, tail) {
	defer s.release()
	if s.sketch == nil {
		return numericStats(s.exact.all(), ext)
	}
	if s.sketch.n == 0 {
		return nil, tail{}
	}
	return describe(s.sketch.weighted(), s.mom, ext.lo, ext.hi, ext)
}
