import Foundation

/// Where the report templates are: --templates, Templates/ here, or the
/// Templates/ of the checkout an executable was built in.
public enum ReportTemplates {
    public static func locate(given: String?, executable: String) throws(ReportError) -> String {
        if let given { return given }
        let fm = FileManager.default
        if fm.fileExists(atPath: "Templates/report.mustache") { return "Templates" }
        var dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("Templates")
            if fm.fileExists(atPath: candidate.appendingPathComponent("report.mustache").path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        throw .template(path: "Templates/report.mustache", reason: "not found here or beside the ffbench executable; give --templates DIR")
    }
}
