public enum ReportError: Error, CustomStringConvertible {
    case write(path: String, reason: String)
    case template(path: String, reason: String)
    case badFormat(String)

    public var description: String {
        switch self {
        case .write(let path, let reason): "\(path): cannot write: \(reason)"
        case .template(let path, let reason): "\(path): template problem: \(reason)"
        case .badFormat(let f): "--format '\(f)': expected a comma-separated list of html, pdf, latex, csv"
        }
    }
}
