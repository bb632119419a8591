package importer

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dangan-archive/dangan/archive/topofile/zoo"
)

// bigCSV is a device list of n rows, the status of each set to status.
func bigCSV(n int, status string) []byte {
	var b strings.Builder
	b.WriteString("设备名称,厂商,型号,序列号,管理IP,安装位置,安装日期,保修截止,状态\n")
	for i := range n {
		fmt.Fprintf(&b, "接入交换机,华为,S5735-L24T4X,SN%08d,10.%d.%d.%d,%d号楼弱电间,2023/%d/%d,2028-01-09,%s\n", i, i>>16&255, i>>8&255, i&255, i%40, i%12+1, i%28+1, status)
	}
	return []byte(b.String())
}

// BenchmarkBuildDevices plans a 2,000-row device list into a new customer.
func BenchmarkBuildDevices(b *testing.B) {
	base := loadDir(b, "testdata/archive")
	snap := base.snapshot(b)
	data := bigCSV(2000, "在用")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Build(snap, base.read, "big.csv", data, Options{Kind: Devices, Customer: "mz-big"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdateDevices plans the same 2,000 devices again with every
// status changed: every device is matched by serial and edited in place,
// and the file written back line by line.
func BenchmarkUpdateDevices(b *testing.B) {
	base := loadDir(b, "testdata/archive")
	p, err := Build(base.snapshot(b), base.read, "big.csv", bigCSV(2000, "在用"), Options{Kind: Devices, Customer: "mz-big"})
	if err != nil {
		b.Fatal(err)
	}
	after := base.apply(p)
	snap := after.snapshot(b)
	data := bigCSV(2000, "备用")
	for b.Loop() {
		p, err := Build(snap, after.read, "big.csv", data, Options{Kind: Devices, Customer: "mz-big"})
		if err != nil || p.Customers[0].Updated != 2000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadXLSX reads a 2,000-row workbook.
func BenchmarkReadXLSX(b *testing.B) {
	f := excelize.NewFile()
	for i, line := range strings.Split(strings.TrimSpace(string(bigCSV(2000, "在用"))), "\n") {
		cells := strings.Split(line, ",")
		row := make([]any, len(cells))
		for j, c := range cells {
			row[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			b.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		t, err := ReadTable("big.xlsx", buf.Bytes(), "")
		if err != nil || len(t.Rows) != 2001 {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportKdl plans the largest real topology (754 nodes).
func BenchmarkImportKdl(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(zoo.Dir(b), "Kdl.gml"))
	if err != nil {
		b.Fatal(err)
	}
	m := memArchive{}
	snap := m.snapshot(b)
	for b.Loop() {
		if _, err := Build(snap, m.read, "Kdl.gml", data, Options{Kind: Topology, Customer: "kdl"}); err != nil {
			b.Fatal(err)
		}
	}
}
