import Foundation

/// Reads a data file whole, inflating it when it is gzip-compressed
/// (detected by its magic bytes, not its name).
public enum DataFileReader {
    /// - Parameter limit: the most bytes the file may hold (decompressed):
    ///   a larger file, or a gzip stream that inflates past it, is refused
    ///   as soon as that is known, so a damaged or hostile file cannot take
    ///   gigabytes of memory.
    public static func read(path: String, limit: Int = Int.max) throws(DatasetError) -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { throw .missingFile(path: path) }
        let onDisk = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        // A compressed file is smaller than what it holds; a raw one is exactly it.
        if onDisk > limit { throw .tooLarge(path: path, limit: limit) }
        let raw: Data
        do { raw = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        if raw.count >= 2 && raw[raw.startIndex] == 0x1f && raw[raw.startIndex + 1] == 0x8b {
            return try Gzip.inflate(raw, path: path, limit: limit)
        }
        return [UInt8](raw)
    }
}
