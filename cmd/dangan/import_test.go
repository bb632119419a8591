package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/topofile/zoo"
	"github.com/google/go-cmp/cmp"
)

const importFixtures = "../../archive/importer/testdata/"

func headOf(t *testing.T, dir string) string {
	t.Helper()
	repo, err := gitstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	h, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestImportDevices runs the import as a person would: a dry run prints
// the plan and writes nothing, --strict refuses a file with a bad row, and
// the real import commits the good rows in one commit that passes check.
func TestImportDevices(t *testing.T) {
	dir := commitDir(t, importFixtures+"archive")
	before := headOf(t, dir)
	args := []string{"--archive", dir, "import", "devices", importFixtures + "devices.xlsx", "--customer", "mz-renmin-hospital"}

	code, out, errOut := run(t, "", append(args, "--dry-run")...)
	if code != 0 || !strings.Contains(errOut, "dry run: nothing written") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	// The dry run prints exactly the plan the importer's golden file holds.
	golden, err := os.ReadFile(importFixtures + "devices-xlsx.golden")
	if err != nil {
		t.Fatal(err)
	}
	wantPlan, _, _ := strings.Cut(string(golden), "\n\n=== ")
	gotPlan := strings.Replace(out, "at "+before[:10], "at 0123456789", 1)
	if d := cmp.Diff(wantPlan+"\n", gotPlan); d != "" {
		t.Errorf("dry-run plan (-want +got):\n%s", d)
	}
	if h := headOf(t, dir); h != before {
		t.Fatalf("dry run committed %s", h)
	}

	code, _, errOut = run(t, "", append(args, "--strict")...)
	if code != 1 || !strings.Contains(errOut, "--strict: nothing written, because 3 rows cannot be imported") {
		t.Fatalf("strict: exit %d, %s", code, errOut)
	}
	if h := headOf(t, dir); h != before {
		t.Fatalf("--strict committed %s", h)
	}

	code, out, errOut = run(t, "", append(args, "--author", "李强 <liqiang@example.cn>")...)
	if code != 0 || !strings.Contains(errOut, "imported in commit") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	repo, err := gitstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	log, err := repo.Log(5)
	repo.Close()
	if err != nil || len(log) != 2 {
		t.Fatalf("log: %v, %d commits, want 2 (one for the import)", err, len(log))
	}
	if log[0].Author != "李强" || !strings.Contains(log[0].Message, "row 6, column F (管理ＩＰ)") {
		t.Errorf("commit %+v", log[0])
	}
	if code, out, errOut := run(t, "", "--archive", dir, "check"); code != 0 || out != "" {
		t.Errorf("check after import: exit %d\n%s%s", code, out, errOut)
	}
	// The work tree has the new file too: a person sees it in their editor.
	data, err := os.ReadFile(filepath.Join(dir, "customers/mz-renmin-hospital/devices.md"))
	if err != nil || !strings.Contains(string(data), "id: agg-sw-1") {
		t.Errorf("work tree devices.md: %v\n%s", err, data)
	}

	// The same file again changes nothing.
	code, _, errOut = run(t, "", args...)
	if code != 1 || !strings.Contains(errOut, "nothing to change") {
		t.Errorf("second import: exit %d, %s", code, errOut)
	}
}

func TestImportCustomersGBKAndTopology(t *testing.T) {
	dir := commitDir(t, importFixtures+"archive")
	code, out, errOut := run(t, "", "--archive", dir, "import", "customers", importFixtures+"customers-gbk.csv", "--json")
	if code != 0 || !strings.Contains(out, `"encoding": "GB18030"`) || !strings.Contains(out, `"id": "mizhixiandisanzhongxue"`) {
		t.Fatalf("customers: exit %d\n%s%s", code, out, errOut)
	}
	zooDir := zoo.Dir(t)
	code, out, errOut = run(t, "", "--archive", dir, "import", "topology", filepath.Join(zooDir, "Chinanet.gml"), "--customer", "cn-chinanet", "--message", "导入中国电信骨干网拓扑")
	if code != 0 || !strings.Contains(out, "customer cn-chinanet Chinanet (new customer)") {
		t.Fatalf("topology: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, "", "--archive", dir, "check"); code != 0 || out != "" {
		t.Errorf("check after imports: exit %d\n%s%s", code, out, errOut)
	}
}

func TestImportUsageErrors(t *testing.T) {
	dir := commitDir(t, importFixtures+"archive")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"import", "devices", importFixtures + "devices.xlsx"}, "--customer ID"},
		{[]string{"import", "devices", importFixtures + "devices.xlsx", "--customer", "x", "--map", "a=colour"}, "colour is not a field"},
		{[]string{"import", "devices", "no-such-file.xlsx", "--customer", "x"}, "open no-such-file.xlsx"},
		{[]string{"import", "topology", importFixtures + "customers.csv", "--customer", "x"}, "unknown topology format"},
		{[]string{"import", "customers", importFixtures + "customers.csv", "--author", "nobody"}, "--author"},
		{[]string{"import", "devices", importFixtures + "devices.xlsx", "--lang", "zh"}, "请说明 设备清单 的设备属于哪个客户：--customer 编号"},
		{[]string{"import", "devices", importFixtures + "devices.xlsx", "--lang", "fr"}, "--lang \"fr\": use en or zh"},
	}
	for _, tt := range tests {
		code, _, errOut := run(t, "", append([]string{"--archive", dir}, tt.args...)...)
		if code != 1 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, %q; want %q", tt.args, code, errOut, tt.want)
		}
	}
}

// TestImportInChinese: --lang zh prints the plan and its reasons in Chinese.
func TestImportInChinese(t *testing.T) {
	dir := commitDir(t, importFixtures+"archive")
	code, out, errOut := run(t, "", "--archive", dir, "import", "devices", importFixtures+"devices.xlsx", "--customer", "mz-renmin-hospital", "--dry-run", "--lang", "zh")
	if code != 0 || !strings.Contains(errOut, "试运行：没有写入任何内容") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"3 行无法导入：", `工作表 设备清单，第 7 行，H 列（安装日期）："2024-02-30" 不是日期：2024 年 2 月没有 30 日`, "注意：未导入的列：序号, 备注（要导入它们，请用 --map '表头=字段' 指定）"} {
		if !strings.Contains(out, want) {
			t.Errorf("--lang zh plan lacks %q:\n%s", want, out)
		}
	}
}
