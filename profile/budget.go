package profile

import "sync/atomic"

// budget is the memory the Go side of a profile may hold in what grows
// with a column's distinct values: the parsed numbers and times kept for
// exact quantiles, and the lower-cased spellings kept for case variants.
// Every column being profiled takes from it and gives back what it took
// when done. A nil budget has no bound.
type budget struct {
	left atomic.Int64
}

// newBudget returns a budget of bytes, or nil (no bound) for bytes <= 0.
func newBudget(bytes int64) *budget {
	if bytes <= 0 {
		return nil
	}
	b := &budget{}
	b.left.Store(bytes)
	return b
}

// shareOf is a budget of a k-th of bytes (at least one byte), or nil
// for bytes <= 0.
func shareOf(bytes int64, k int) *budget {
	if bytes <= 0 {
		return nil
	}
	return newBudget(max(bytes/int64(k), 1))
}

func (b *budget) take(n int64) bool {
	if b == nil {
		return true
	}
	if b.left.Add(-n) < 0 {
		b.left.Add(n)
		return false
	}
	return true
}

func (b *budget) give(n int64) {
	if b != nil {
		b.left.Add(n)
	}
}

// memoryGrain is how much an accumulator takes from the budget at a
// time, so that the budget's counter is touched rarely.
const memoryGrain = 64 << 10

// memory is one accumulator's account with the budget: what it has taken
// and not yet used is spare. A nil budget lends without bound.
type memory struct {
	budget *budget
	spare  int64
}

// take reports whether n more bytes may be held, and if so counts them
// held.
func (m *memory) take(n int64) bool {
	if m == nil || m.budget == nil {
		return true
	}
	if m.spare < n {
		grain := max(n-m.spare, memoryGrain)
		if !m.budget.take(grain) {
			if !m.budget.take(n - m.spare) {
				return false
			}
			grain = n - m.spare
		}
		m.spare += grain
	}
	m.spare -= n
	return true
}

// give counts n bytes no longer held.
func (m *memory) give(n int64) {
	if m == nil || m.budget == nil {
		return
	}
	m.spare += n
	if m.spare > 4*memoryGrain {
		m.budget.give(m.spare - memoryGrain)
		m.spare = memoryGrain
	}
}

// close gives back what is spare.
func (m *memory) close() {
	if m == nil || m.budget == nil {
		return
	}
	m.budget.give(m.spare)
	m.spare = 0
}
