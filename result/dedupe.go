package result

// Dedupe is what dedupe found; plain data for reports.
type Dedupe struct {
	Source    string   `json:"source"`
	Records   int64    `json:"records"`
	Fields    []string `json:"fields"`
	Threshold float64  `json:"threshold"`
	// Rules are the blocking rules with the candidate pairs each yields;
	// CandidatePairs counts the distinct pairs of all rules.
	Rules          []DedupeRule `json:"rules"`
	CandidatePairs int64        `json:"candidate_pairs"`
	Links          int64        `json:"links"`
	Clusters       int64        `json:"clusters"`
	// ClusterSizes counts clusters by size, singletons included.
	ClusterSizes []SizeCount `json:"cluster_sizes"`
	// DuplicateShare is the share of records that duplicate another
	// record of their cluster: (records - clusters) / records.
	DuplicateShare float64 `json:"duplicate_share"`
	// Lambda is the estimated chance that two random records match, the
	// prior of every pair's match probability.
	Lambda       float64      `json:"lambda"`
	EMIterations int          `json:"em_iterations"`
	Model        []FieldModel `json:"model"`
	// Warnings say where the model is not to be trusted as learned: a
	// blocking rule whose pairs held too few matches to estimate m from,
	// fields whose m was never trained.
	Warnings []DedupeWarning `json:"warnings"`
	// WeakClusters are clusters whose weakest link is far below the
	// cluster's average: one weak link may be chaining two entities.
	WeakClusters []WeakCluster `json:"weak_clusters"`
	// TopClusters are the largest clusters (up to 10), each with its
	// records and the links that hold it together, explained field by
	// field.
	TopClusters []ClusterDetail `json:"top_clusters"`
	Truth       *Accuracy       `json:"truth,omitempty"`
	Stages      []DedupeStage   `json:"stages"`
}

// DedupeWarning is something a reader must know before trusting the
// model.
type DedupeWarning struct {
	Kind DedupeWarningKind `json:"kind"`
	// Rule is the blocking rule (from 1) a few_matches warning is about.
	Rule int `json:"rule,omitempty"`
	// Matches is how many of the rule's candidate pairs EM took for
	// matches.
	Matches float64 `json:"matches,omitempty"`
	// Fields are the fields an untrained or matches_disagree warning is
	// about.
	Fields  []string `json:"fields,omitempty"`
	Message string   `json:"message"`
}

// DedupeWarningKind says what a DedupeWarning is about.
type DedupeWarningKind string

// The kinds of DedupeWarning.
const (
	// WarnFewMatches: EM found too few matches among a blocking rule's
	// pairs to estimate m; those pairs trained nothing.
	WarnFewMatches DedupeWarningKind = "few_matches"
	// WarnUntrained: no blocking rule trained these fields' m.
	WarnUntrained DedupeWarningKind = "untrained"
	// WarnMatchesDisagree: the pairs EM took for matches mostly
	// disagree on these fields, as related records do (people of one
	// household), not duplicates.
	WarnMatchesDisagree DedupeWarningKind = "matches_disagree"
)

// DedupeRule is a blocking rule and the candidate pairs it yields.
type DedupeRule struct {
	Keys  []string `json:"keys"`
	Pairs int64    `json:"pairs"`
}

// SizeCount is how many clusters have a size.
type SizeCount struct {
	Size     int64 `json:"size"`
	Clusters int64 `json:"clusters"`
}

// FieldModel is the trained m and u of a field's levels: null and the
// levels its comparator can produce, most similar first. Trained is false
// when no EM session learned the field's m: its m are the starting
// values (0.9 for exact), not estimates.
type FieldModel struct {
	Column  string     `json:"column"`
	Compare Comparator `json:"compare"`
	// TermFrequency is set when an exact agreement is weighed by how
	// rare the value is: the u of its exact level is then the field's
	// average, and each pair's own is the value's frequency.
	TermFrequency bool `json:"term_frequency,omitempty"`
	// SwapWith is the field this one may be swapped with (its swapped
	// level).
	SwapWith string       `json:"swap_with,omitempty"`
	Trained  bool         `json:"trained"`
	Levels   []LevelModel `json:"levels"`
}

// LevelModel is one comparison level: m is its chance among matches, u
// among non-matches, Weight = log2(m/u). Weights never rise from one
// level to a less similar one: where EM's estimates did, the levels were
// pooled (their m redistributed in proportion to u), so m may differ from
// what EM found.
type LevelModel struct {
	Level  string  `json:"level"`
	M      float64 `json:"m"`
	U      float64 `json:"u"`
	Weight float64 `json:"weight"`
}

// WeakCluster is a cluster held together by a link that barely clears
// the threshold (within 3 bits) while its links average 10 bits more.
type WeakCluster struct {
	Cluster   int64   `json:"cluster"`
	Size      int64   `json:"size"`
	MinWeight float64 `json:"min_weight"`
	AvgWeight float64 `json:"avg_weight"`
}

// Accuracy compares the clusters with a labelled column.
type Accuracy struct {
	Column            string  `json:"column"`
	TruePairs         int64   `json:"true_pairs"`
	PredictedPairs    int64   `json:"predicted_pairs"`
	TruePositivePairs int64   `json:"true_positive_pairs"`
	Precision         float64 `json:"precision"`
	Recall            float64 `json:"recall"`
	F1                float64 `json:"f1"`
	// B3 scores are per-record cluster overlaps (B-cubed), averaged.
	B3Precision float64 `json:"b3_precision"`
	B3Recall    float64 `json:"b3_recall"`
	B3F1        float64 `json:"b3_f1"`
}

// DedupeStage is the wall time of one stage.
type DedupeStage struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
}

// ClusterDetail is one cluster with its records and links.
type ClusterDetail struct {
	Cluster int64           `json:"cluster"`
	Size    int64           `json:"size"`
	Records []ClusterRecord `json:"records"`
	Links   []DedupeLink    `json:"links"`
}

// ClusterRecord is a record of a cluster: its id and the compared fields
// as written (in Dedupe.Fields order).
type ClusterRecord struct {
	ID     string    `json:"id"`
	Values []*string `json:"values"`
}

// DedupeLink is a linked pair of records and why it matched.
type DedupeLink struct {
	A           string            `json:"a"`
	B           string            `json:"b"`
	Weight      float64           `json:"weight"`
	Probability float64           `json:"probability"`
	Fields      []DedupeLinkField `json:"fields"`
}

// DedupeLinkField is one field's comparison in a link: the normalized values'
// similarity, its level, and the level's weight in bits.
type DedupeLinkField struct {
	Column     string  `json:"column"`
	Similarity float64 `json:"similarity"`
	Level      string  `json:"level"`
	Weight     float64 `json:"weight"`
	// TermFrequency is, for an exact agreement on a field weighed by
	// term frequency, the share of records holding the value: it stands
	// for u in Weight = log2(m / term_frequency).
	TermFrequency float64 `json:"term_frequency,omitempty"`
}

// Comparator is how a field's values are compared between two records.
type Comparator string

// The comparators a field may use.
const (
	CompareExact       Comparator = "exact"
	CompareJaroWinkler Comparator = "jaro_winkler"
	CompareJaro        Comparator = "jaro"
	CompareLevenshtein Comparator = "levenshtein"
	CompareSoundex     Comparator = "soundex"
	CompareNumeric     Comparator = "numeric"
	CompareDate        Comparator = "date"
)

// Comparators lists every Comparator, in the order errors name them.
var Comparators = []Comparator{CompareExact, CompareJaroWinkler, CompareJaro, CompareLevenshtein, CompareSoundex, CompareNumeric, CompareDate}
