import Analysis
import ArgumentParser
import Datasets
import Recorder
import Reports
import RunStore
import Training
import Foundation

enum Launcher {
    static func run(_ arguments: [String]) async -> Int32 {
        let command: ParsableCommand
        do {
            command = try FFBench.parseAsRoot(arguments)
        } catch {
            return reportParseError(error)
        }
        do {
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                var sync = command
                try sync.run()
            }
            return 0
        } catch {
            return report(error)
        }
    }

    /// Help and version requests print normally; anything else the parser
    /// rejects is bad usage (exit 2), one line plus a pointer to --help.
    private static func reportParseError(_ error: Error) -> Int32 {
        let code = FFBench.exitCode(for: error)
        if code == .success {
            print(FFBench.fullMessage(for: error))
            return 0
        }
        let message = FFBench.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        Console.error(message + " (see 'ffbench --help')")
        return 2
    }

    private static func report(_ error: Error) -> Int32 {
        switch error {
        case let e as ExitCode:
            return e.rawValue
        case let e as TrainingError:
            Console.error(e.asFlag)
            return 2
        case let e as any UserFacingError:
            Console.error(e.description)
            return e.exitStatus
        case let e as ValidationError:
            Console.error(e.message)
            return 2
        case let e as UsageError:
            Console.error(e.message)
            return 2
        default:
            // Help requested of a command group surfaces from run().
            let code = FFBench.exitCode(for: error)
            if code == .success {
                print(FFBench.fullMessage(for: error))
                return 0
            }
            let message = FFBench.message(for: error)
            Console.error(message.isEmpty ? "\(error)" : message)
            return code == .validationFailure ? 2 : 1
        }
    }
}

/// A run that started but did not finish well (exit status 1).
struct RunFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A mistake in how the command was called, found after parsing.
struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// A library error the command line reports as one line with a status:
/// 2 when the input is at fault, 1 when the machine or the run is.
protocol UserFacingError: Error, CustomStringConvertible {
    var exitStatus: Int32 { get }
}

extension DatasetError: UserFacingError { var exitStatus: Int32 { isInputError ? 2 : 1 } }
extension RunStoreError: UserFacingError { var exitStatus: Int32 { isInputError ? 2 : 1 } }
extension StudyError: UserFacingError { var exitStatus: Int32 { 2 } }
extension SlurmError: UserFacingError { var exitStatus: Int32 { 2 } }
extension AnalysisError: UserFacingError { var exitStatus: Int32 { 2 } }
extension RunFailure: UserFacingError { var exitStatus: Int32 { 1 } }
extension ReportError: UserFacingError { var exitStatus: Int32 { 1 } }
