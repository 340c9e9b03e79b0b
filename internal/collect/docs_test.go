package collect_test

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	_ "github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/inventory"
)

var updateDoc = flag.Bool("update-doc", false, "rewrite docs/inventory.md")

// TestInventoryDoc keeps docs/inventory.md — the collectors, their resource
// types and permissions, and the shape of the types Vigil adds to
// Config's — in step with the code (go test ./internal/collect -run
// TestInventoryDoc -update-doc rewrites it).
func TestInventoryDoc(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Inventory: collectors and resource types\n\n")
	b.WriteString("Generated from the collector registry and the type constants of `internal/collect` by\n`go test ./internal/collect -run TestInventoryDoc -update-doc`; do not edit.\n\n")
	b.WriteString("Items use AWS Config's configuration-item shape. For the resource types Config records, the\n`configuration` and `supplementaryConfiguration` keys are Config's; account settings Config does\nnot record get a type of their own, described below with every type's shape.\n\n")
	b.WriteString("## Collectors\n\n| collector | scope | resource types | IAM actions |\n|---|---|---|---|\n")
	for _, c := range inventory.Collectors() {
		if strings.HasPrefix(c.Name, "test-") {
			continue
		}
		scope := "every enabled region"
		if c.Global {
			scope = "once, global region"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.Name, scope, code(c.ResourceTypes), code(c.Permissions))
	}
	fmt.Fprintf(&b, "\nThe audit role needs these %d actions (plus `sts:GetCallerIdentity` and `ec2:DescribeRegions`); `vigil baseline policy` prints them as a policy.\n", len(inventory.Permissions()))
	b.WriteString("\n## Resource types\n\n")
	seen := map[string]bool{}
	for _, d := range typeDocs(t) {
		if seen[d[0]] {
			continue
		}
		seen[d[0]] = true
		fmt.Fprintf(&b, "### `%s`\n\n%s\n\n", d[0], d[1])
	}
	const path = "../../docs/inventory.md"
	if *updateDoc {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != b.String() {
		t.Errorf("docs/inventory.md is stale: run go test ./internal/collect -run TestInventoryDoc -update-doc")
	}
}

func code(l []string) string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = "`" + s + "`"
	}
	return strings.Join(out, ", ")
}

// typeDocs returns the Type* constants of the package whose value is a
// type Config does not record, with their doc comments.
func typeDocs(t *testing.T) [][2]string {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	var out [][2]string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range af.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Type") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok {
						continue
					}
					val, _ := strconv.Unquote(lit.Value)
					doc := vs.Doc.Text()
					if doc == "" {
						doc = gd.Doc.Text()
					}
					out = append(out, [2]string{val, strings.TrimSpace(strings.ReplaceAll(doc, "\n", " "))})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
