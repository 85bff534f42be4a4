package result

// Link is what plumb link found between two sources: the cross-reference
// of records that describe the same entity, and the records of each side
// that have no match. Plain data for reports.
type Link struct {
	Left  LinkSide `json:"left"`
	Right LinkSide `json:"right"`
	// Fields are the compared fields: each one's name and its column on
	// each side.
	Fields    []LinkFieldMap `json:"fields"`
	Threshold float64        `json:"threshold"`
	// OneToOne is set when each record was matched to at most one on the
	// other side, the best first.
	OneToOne bool `json:"one_to_one"`
	// Rules are the blocking rules with the left × right candidate pairs
	// each yields; CandidatePairs counts the distinct pairs of all rules.
	Rules          []DedupeRule `json:"rules"`
	CandidatePairs int64        `json:"candidate_pairs"`
	// Links counts the pairs at or over the threshold; Matches those in
	// the cross-reference (fewer than Links with one-to-one).
	Links   int64 `json:"links"`
	Matches int64 `json:"matches"`
	// Lambda is the estimated chance that a random left record and a
	// random right record match.
	Lambda       float64         `json:"lambda"`
	EMIterations int             `json:"em_iterations"`
	Model        []FieldModel    `json:"model"`
	Warnings     []DedupeWarning `json:"warnings"`
	// Weakest are the matches closest to the threshold (up to 10), the
	// ones to review first, each explained field by field; A is the left
	// id, B the right.
	Weakest []DedupeLink  `json:"weakest"`
	Truth   *LinkAccuracy `json:"truth,omitempty"`
	Stages  []DedupeStage `json:"stages"`
}

// LinkSide is one side of a link: its records, how many are in the
// cross-reference, how many in more than one match, and how many in none.
type LinkSide struct {
	Source    string `json:"source"`
	Records   int64  `json:"records"`
	Matched   int64  `json:"matched"`
	Multiple  int64  `json:"multiple"`
	Unmatched int64  `json:"unmatched"`
}

// LinkFieldMap is a compared field and its column on each side.
type LinkFieldMap struct {
	Column string `json:"column"`
	Left   string `json:"left"`
	Right  string `json:"right"`
}

// LinkAccuracy compares the cross-reference with labels on each side: a
// true pair is a left and a right record with the same label.
type LinkAccuracy struct {
	Left              string  `json:"left"`
	Right             string  `json:"right"`
	TruePairs         int64   `json:"true_pairs"`
	PredictedPairs    int64   `json:"predicted_pairs"`
	TruePositivePairs int64   `json:"true_positive_pairs"`
	Precision         float64 `json:"precision"`
	Recall            float64 `json:"recall"`
	F1                float64 `json:"f1"`
}
