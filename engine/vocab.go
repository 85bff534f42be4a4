package engine

import "github.com/plumb-data/plumb/source"

// The source vocabulary under its former names, while callers move to
// package source.
//
// Deprecated: use package source.
type (
	Format     = source.Format
	Header     = source.Header
	CSVOptions = source.CSVOptions
	Source     = source.Source
	LoadError  = source.LoadError
	File       = source.File
	Dialect    = source.Dialect
	Column     = source.Column
	Rename     = source.Rename
	Reject     = source.Reject
)

// Deprecated: use package source.
const (
	FormatAuto     = source.FormatAuto
	FormatCSV      = source.FormatCSV
	FormatParquet  = source.FormatParquet
	FormatJSON     = source.FormatJSON
	FormatNDJSON   = source.FormatNDJSON
	FormatArrow    = source.FormatArrow
	HeaderAuto     = source.HeaderAuto
	HeaderYes      = source.HeaderYes
	HeaderNo       = source.HeaderNo
	EncodingUTF8   = source.EncodingUTF8
	EncodingUTF16  = source.EncodingUTF16
	EncodingLatin1 = source.EncodingLatin1
)

// Deprecated: use package source.
var (
	ParseSource   = source.Parse
	ParseFormat   = source.ParseFormat
	ParseChar     = source.ParseChar
	ParseEncoding = source.ParseEncoding
	Redact        = source.Redact
	ErrEmpty      = source.ErrEmpty
	ErrNoFiles    = source.ErrNoFiles
)
