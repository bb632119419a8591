package leads

// SectionOfForTest lets the black-box tests compare sectionOf with access.
var SectionOfForTest = sectionOf
