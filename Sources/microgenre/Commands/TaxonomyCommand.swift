import ArgumentParser
import MicrogenreCore
import MicrogenreTaxonomy

struct TaxonomyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taxonomy",
        abstract: "Check the taxonomy and parse micro-genre names against it.",
        subcommands: [Check.self, ParseNames.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the taxonomy files and summarize them.",
            discussion: "Problems are printed as FILE:LINE: error: message, and the exit status is 1."
        )

        @OptionGroup var taxonomyOptions: TaxonomyOptions

        func run() throws {
            let taxonomy = try taxonomyOptions.load()
            Output.line(
                "\(try taxonomyOptions.resolvedDirectory()): \(taxonomy.tags.count) tags in \(taxonomy.facets.count) facets, valid"
            )
            let blocks = taxonomy.facets.map(\.id) + taxonomy.properNames.map(\.id) + taxonomy.combinedPhrases.map(\.id)
            let width = max(12, blocks.map(\.count).max()! + 2)
            for facet in taxonomy.facets {
                let tags = taxonomy.tags(inFacet: facet.id)
                let phrases = tags.reduce(0) { $0 + $1.supportingPhrases.count + $1.against.count }
                Output.line("  " + facet.id.padded(width) + "\(tags.count) tags, \(phrases) phrases")
            }
            for warning in taxonomy.warnings { Output.error(warning.description) }
            for block in taxonomy.properNames {
                Output.line(
                    "  " + block.id.padded(width)
                        + "\(block.phrases.count) phrases (\(block.keyword == "names" ? "proper names" : "ignored"): no tag)"
                )
            }
            for block in taxonomy.combinedPhrases {
                Output.line(
                    "  " + block.id.padded(width)
                        + "\(block.phrases.count) phrases (combined: \(block.tags.map(\.rawValue).joined(separator: " + ")))"
                )
            }
        }
    }

    struct ParseNames: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "parse-names",
            abstract: "Parse micro-genre names into facets and report the ones not fully understood.",
            discussion: """
                FILE holds one name per line, or is a CSV file with a 'name' column (such as \
                Netflix's altgenres list). Names not parsed completely are listed with their \
                unknown words; the last line counts the names parsed completely. A person in a \
                'starring', 'directed by' or 'created by' slot counts as parsed.
                """
        )

        @Argument(help: "A file of names, one per line, or a CSV file with a 'name' column.")
        var file: String

        @OptionGroup var taxonomyOptions: TaxonomyOptions

        @Flag(help: "Print one JSON object per name: its facets, person and unknown words.")
        var json = false

        @Option(help: "Names not fully parsed to list (the count covers all).")
        var maxListed = 50

        func run() throws {
            let grammar = try GenreGrammar(taxonomy: taxonomyOptions.load())
            let names: [String]
            do {
                names = try NameList.read(file)
            } catch {
                throw ValidationError("cannot read \(file): \(error)")
            }
            var complete = 0
            var listed = 0
            for name in names {
                let parsed = grammar.parse(name)
                if parsed.isComplete { complete += 1 }
                if json {
                    var writer = JSONWriter()
                    writer.beginObject()
                    writer.string(name, "name")
                    writer.bool(parsed.isComplete, "complete")
                    writer.strings(parsed.tags.map(\.rawValue), "facets")
                    if let person = parsed.person {
                        writer.beginObject("person")
                        writer.string(person.role.rawValue, "role")
                        writer.string(person.name, "name")
                        writer.endObject()
                    }
                    writer.strings(parsed.unknownWords, "unknown")
                    writer.endObject()
                    Output.line(bytes: writer.bytes)
                } else if !parsed.isComplete && listed < maxListed {
                    listed += 1
                    let found = parsed.tags.map(\.rawValue).joined(separator: ", ")
                    Output.line("\(name)  ->  unknown: \(parsed.unknownWords.joined(separator: " ")); facets: \(found)")
                }
            }
            let percent = names.isEmpty ? 0 : Double(complete) * 100 / Double(names.count)
            let summary = "\(complete) of \(names.count) names parsed completely (\(String(format2: percent))%)"
            if json { Output.error(summary) } else { Output.line(summary) }
        }
    }
}

/// Reads names from a plain list or a CSV file with a `name` column.
enum NameList {
    static func read(_ path: String) throws -> [String] {
        let text = try FileSystem.readText(path)
        var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
        guard let header = lines.first else { return [] }
        let columns = csvFields(header).map { $0.lowercased() }
        if path.hasSuffix(".csv") || columns.contains("name") && columns.count > 1 {
            guard let column = columns.firstIndex(of: "name") else { return lines }
            lines.removeFirst()
            return lines.compactMap { line in
                let fields = csvFields(line)
                return column < fields.count ? fields[column] : nil
            }
        }
        return lines.filter { !$0.trimmingSpaces.isEmpty }
    }

    /// The fields of one CSV line (RFC 4180 quoting).
    static func csvFields(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(line).makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
        }
        fields.append(field)
        return fields
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
