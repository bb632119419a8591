package site

import (
	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/site/diagram"
)

// diagramInput is what the renderer draws for a customer, with the
// viewer's hidden fields so the drawing never shows them.
func diagramInput(f *archive.Folder, topo *archive.Topology, hide []string) diagram.Input {
	return diagram.Input{
		Customer: f.ID,
		Topology: *topo,
		Devices:  f.DeviceList(),
		Options:  diagram.Options{Hide: hide},
	}
}
