// Pango lays out chart and report text on Cairo surfaces; its fonts are
// embedded in PDF output.
#include <pango/pangocairo.h>
