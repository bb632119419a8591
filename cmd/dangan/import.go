package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/importer"
)

// importFlags are the flags every kind of import shares.
type importFlags struct {
	customer, name, sheet, mapping string
	dryRun, strict, asJSON         bool
	author, message                string
	lang                           string
}

func (a *app) importCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "import",
		Short: "Bring device lists, customer lists (XLSX, CSV) and topologies (GML, GraphML) into the archive",
		Long: `import reads a spreadsheet or a topology file, prints what it will change
(files created or changed, rows added or updated per customer, rows it
cannot read with their sheet, row and column), and writes everything in one
commit. With --dry-run it only prints the plan. With --strict nothing is
written when any row cannot be read; without it the good rows are
committed and the bad ones listed in the commit message.

Spreadsheets: .xlsx (the first sheet, or --sheet) and .csv in UTF-8, with
or without BOM, or GBK/GB18030 as Excel on Chinese Windows saves it.
Headings in Chinese or English are recognised (设备名称, 厂商, 型号, 序列号,
管理IP, 安装位置, 安装日期, 保修截止 …; 客户名称, 行业, 区县, 地址, 客户经理 …);
--map 'HEADING=field,…' reads others. Existing devices (same id or serial)
and customers (same id or name) are updated in place, keeping every key and
the text the import does not touch.`,
	}
	c.AddCommand(
		a.importKindCommand(importer.Devices, "devices FILE", "Import a device list into a customer's devices.md (--customer, or a 客户编号/客户名称 column)"),
		a.importKindCommand(importer.Customers, "customers FILE", "Import a customer list: one customer.md per row, created or updated"),
		a.importKindCommand(importer.Topology, "topology FILE.gml|FILE.graphml", "Import a topology into a customer's devices.md and topology.md (a new --customer id creates the customer)"),
	)
	return c
}

func (a *app) importKindCommand(kind importer.Kind, use, short string) *cobra.Command {
	var f importFlags
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runImport(cmd, kind, args[0], f)
		},
	}
	fl := c.Flags()
	if kind != importer.Customers {
		fl.StringVar(&f.customer, "customer", "", "the customer's id (a new id creates the customer)")
		fl.StringVar(&f.name, "name", "", "the name of a customer the import creates")
	}
	if kind != importer.Topology {
		fl.StringVar(&f.sheet, "sheet", "", "the workbook sheet to read (default: the first)")
		fl.StringVar(&f.mapping, "map", "", fmt.Sprintf("read other headings: 'HEADING=field,…' (fields: %s; - ignores a column)", joinFields(kind)))
	}
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the plan and write nothing")
	fl.BoolVar(&f.strict, "strict", false, "write nothing when any row cannot be imported")
	fl.BoolVar(&f.asJSON, "json", false, "print the plan as JSON")
	fl.StringVar(&f.author, "author", "dangan import <dangan@localhost>", "author of the commit, as \"Name <email>\"")
	fl.StringVar(&f.lang, "lang", "en", "language of the plan and the importer's messages: en or zh")
	fl.StringVar(&f.message, "message", "", "commit message (default: what was imported from where, and the rows left out)")
	return c
}

func joinFields(k importer.Kind) string {
	s := ""
	for i, f := range importer.Fields(k) {
		if i > 0 {
			s += ", "
		}
		s += f
	}
	return s
}

func (a *app) runImport(cmd *cobra.Command, kind importer.Kind, file string, f importFlags) error {
	if f.lang != "en" && f.lang != "zh" {
		return fmt.Errorf("--lang %q: use en or zh", f.lang)
	}
	zh := f.lang == "zh"
	// say picks the sentence of the chosen language.
	say := func(en, cn string) string {
		if zh {
			return cn
		}
		return en
	}
	// inLang gives an importer error in the chosen language.
	inLang := func(err error) error {
		if zh && err != nil {
			return errors.New(importer.Chinese(err))
		}
		return err
	}
	sig, err := parseAuthor(f.author)
	if err != nil {
		return err
	}
	mapping, err := importer.ParseMap(kind, f.mapping)
	if err != nil {
		return inLang(err)
	}
	data, err := readLimited(file, importer.MaxSize)
	if err != nil {
		return err
	}
	repo, err := a.openRepo()
	if err != nil {
		return err
	}
	defer repo.Close()
	snap, err := a.headSnapshot(repo)
	if err != nil {
		return err
	}
	read := func(p string) ([]byte, error) {
		fl, err := repo.ReadFile(snap.Commit, p)
		return fl.Data, err
	}
	plan, err := importer.Build(snap, read, filepath.Base(file), data, importer.Options{
		Kind: kind, Customer: f.customer, Name: f.name, Map: mapping, Sheet: f.sheet, Strict: f.strict,
	})
	if err != nil {
		return inLang(err)
	}
	var head string
	commit := !f.dryRun && !plan.Blocked() && !plan.Empty()
	if commit {
		sig.When = time.Now()
		head, err = repo.Commit(cmd.Context(), plan.Change(sig, f.message))
		if errors.Is(err, gitstore.ErrConflict) {
			return fmt.Errorf("the archive changed while importing (%v): nothing was written; run the import again", err)
		}
		if err != nil {
			return fmt.Errorf("commit the import: %w", err)
		}
	}
	if f.asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(struct {
			*importer.Plan
			DryRun bool   `json:"dry_run,omitempty"`
			Commit string `json:"commit,omitempty"`
		}{plan, f.dryRun, head}); err != nil {
			return err
		}
	} else if zh {
		plan.WriteChinese(a.stdout)
	} else {
		plan.WriteText(a.stdout)
	}
	switch {
	case plan.Blocked():
		fmt.Fprintf(a.stderr, say("--strict: nothing written, because %d rows cannot be imported\n", "--strict：有 %d 行无法导入，没有写入任何内容\n"), len(plan.Bad))
		return exitError{1}
	case f.dryRun:
		fmt.Fprintln(a.stderr, say("dry run: nothing written", "试运行：没有写入任何内容"))
	case plan.Empty():
		fmt.Fprintln(a.stderr, say("nothing to change: the archive already has everything the file holds", "没有要修改的：档案中已有文件里的全部内容"))
	default:
		fmt.Fprintf(a.stderr, say("imported in commit %.10s (%d files)\n", "已导入，提交 %.10s（%d 个文件）\n"), head, len(plan.Files))
	}
	if plan.Empty() && len(plan.Bad) > 0 {
		return exitError{1}
	}
	return nil
}

// readLimited reads a file of at most max bytes, saying so when it is more.
func readLimited(name string, max int64) ([]byte, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %d MB; split it into smaller files", name, max>>20)
	}
	return data, nil
}
