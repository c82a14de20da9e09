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

    /// `ffbench stats` reads these files: what is not plainly a table of decimal numbers is refused, with the place named.
    @Test(arguments: [
        ("g,v\na,0x1p3\n", "line 2, column 'v': '0x1p3' is not a finite decimal number"),
        ("g,v\na,1\nb,2,3\n", "line 3 has 3 fields, the header 2"),
        ("g,v,v\na,1,2\n", "column 'v' appears twice in the header"),
        ("g,v\na,nan\n", "'nan' is not a finite decimal number"),
        ("g,v\na,1.7e308\nb,1.6e308\n", "line 2, column 'v': 1.7e308 is beyond ±1e150"),
    ])
    func tablesThatAreNotWhatTheySeemAreRefused(text: String, message: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            let table = try CSVTable(path: path)
            _ = try table.numbers("v")
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test func decimalNumbersInEveryNotationStillRead() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString).csv").path
        try "g,v\na,1.5\nb,-2e-3\nc, 7 \nd,+4E2\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try CSVTable(path: path).numbers("v") == [1.5, -0.002, 7, 400])
    }
}
