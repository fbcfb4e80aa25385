import ArgumentParser

/// The `microgenre` command: a thin layer over the libraries that parses arguments, prints
/// and sets the exit code.
@main
struct Microgenre: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "microgenre",
        abstract: "Micro-genre tagging and search for film and TV catalogs.",
        version: "0.1.0",
        subcommands: [
            Ingest.self, Analyze.self, TaxonomyCommand.self, TagCommand.self, GenresCommand.self, ModelCommand.self,
            EvalCommand.self, QueryCommand.self, IndexCommand.self, SearchCommand.self, EventsCommand.self,
            RowsCommand.self, EmbedCommand.self, ServeCommand.self,
        ]
    )
}
