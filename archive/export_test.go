package archive

// Exported for the tests of package archive_test, which may import
// archive/demo (package archive may not: demo imports it).
var (
	FastFrontMatter = fastFrontMatter
	Normalize       = normalize
)

// FrontMatter returns the YAML between a file's "---" lines, and false
// when the file has none.
func FrontMatter(data []byte) ([]byte, bool) {
	front, _, _, ok := splitFrontMatter(normalize(data))
	return front, ok
}

var PlainTag = plainTag
