import ArgumentParser

/// `xuanyi`: the command line of Xuanyi (选议). Each subcommand parses its options and calls
/// a library; none holds logic of its own.
@main
struct Xuanyi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xuanyi",
        abstract: "选议 Xuanyi — residents' committee elections and community deliberation.",
        subcommands: [InitCommand.self, ServeCommand.self, DemoCommand.self, ResidentsCommand.self, ElectionCommand.self, RollCommand.self, ExportRecordCommand.self, RecordExamplesCommand.self, VerifyCommand.self, AuditCommand.self, CouncilCommand.self, MotionCommand.self, AssemblyCommand.self, RequestCommand.self, SupervisionCommand.self, MeetingCommand.self, ConsultationCommand.self, AccountCommand.self, BackupCommand.self, RestoreCommand.self]
    )
}
