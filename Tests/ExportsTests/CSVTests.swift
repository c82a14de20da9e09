import Foundation
import Testing
@testable import Exports

/// The one CSV writer and reader (RFC 4180).
@Suite struct CSVTests {
    static let tricky: [[String]] = [
        ["plain", "with,comma", "with \"quotes\"", "line\nbreak"],
        ["", "crlf\r\ninside", "café ✓", " spaced "],
    ]

    @Test func fieldsThatNeedQuotesAreQuotedAndQuotesDoubled() {
        let text = CSV.write(header: ["a", "b", "c", "d"], rows: Self.tricky)
        #expect(text.hasPrefix("a,b,c,d\nplain,\"with,comma\",\"with \"\"quotes\"\"\",\"line\nbreak\"\n"))
        #expect(text.hasSuffix(",\"crlf\r\ninside\",café ✓, spaced \n"))
        #expect(!text.utf8.starts(with: [0xEF, 0xBB, 0xBF])) // UTF-8 without a BOM
    }

    @Test func whatIsWrittenReadsBackTheSame() {
        let header = ["a", "b", "c", "d"]
        let records = CSV.parse(CSV.write(header: header, rows: Self.tricky))
        #expect(records == [header] + Self.tricky)
        // A BOM and CRLF line ends from a spreadsheet are read too.
        #expect(CSV.parse("\u{FEFF}x,y\r\n1,2\r\n") == [["x", "y"], ["1", "2"]])
        #expect(CSV.parse("x,y\n\"\",2\n") == [["x", "y"], ["", "2"]])
    }

    @Test func readingIsLinear() {
        // 200,000 rows parse in one pass (a quadratic reader would take minutes).
        let text = String(repeating: "ff,1,5.25\n", count: 200_000)
        #expect(CSV.parse(text).count == 200_000)
    }

    @Test func latexEscapesAndJSONIsOneConfiguration() throws {
        #expect(LaTeXTable.escape("50 % of a_b & c±d") == "50 \\% of a\\_b \\& c$\\pm$d")
        struct V: Encodable { let b = 1.0, a = Double.infinity }
        #expect(JSONOutput.line(V()) == #"{"a":"inf","b":1}"#)
    }
}
