import Exports
import Foundation

/// The executable's only way to talk to the terminal.
enum Console {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data(("ffbench: " + line + "\n").utf8))
    }

    /// A line on stdout, written at once (not held in a buffer when stdout
    /// is a pipe or file, so a parent process sees each epoch as it ends).
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func status(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Pretty, sorted JSON on stdout (the one encoder configuration).
    static func printJSON<T: Encodable>(_ value: T) throws {
        print(try JSONOutput.string(value), terminator: "")
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

import ArgumentParser
