import ArgumentParser

struct FFBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ffbench",
        abstract: "Does Forward-Forward train faster or with less memory than backprop? Measure it.",
        discussion: """
        Trains Forward-Forward (Hinton 2022) and backprop networks of the same shape, \
        records time and memory, and turns stored runs into statistics and reports.

        Exit status: 0 ok, 1 runtime failure, 2 bad usage or bad input.

        Example:
          FFBENCH_DATA=../shared/datasets ffbench data verify mnist
        """,
        version: "0.1.0",
        subcommands: [TrainCommand.self, StudyCommand.self, RecordCommand.self, RunsCommand.self, MergeCommand.self, CompareCommand.self, ReportCommand.self, ExportCommand.self, StatsCommand.self, BenchCommand.self, FirstStepCommand.self, DataCommand.self, EnvCommand.self]
    )
}
