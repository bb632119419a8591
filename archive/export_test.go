package archive

import "go.yaml.in/yaml/v3"

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

// FastFrontMatterNodes returns the fast path's estimate of the number of
// nodes of front, and the number it makes.
func FastFrontMatterNodes(front []byte) (estimate, made int) {
	estimate, _ = scanPlainText(string(front))
	doc, _ := fastFrontMatter(front)
	var count func(n *yaml.Node) int
	count = func(n *yaml.Node) int {
		k := 1
		for _, c := range n.Content {
			k += count(c)
		}
		return k
	}
	return estimate, count(doc)
}
