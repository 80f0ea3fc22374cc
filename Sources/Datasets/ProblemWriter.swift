import Foundation
import Support

/// A person who appears in a generated problem, with the pronouns that go with the name.
struct Person: Sendable {
    var name: String
    var subject: String  // he / she
    var object: String  // him / her
    var possessive: String  // his / her

    static func she(_ name: String) -> Person { Person(name: name, subject: "she", object: "her", possessive: "her") }
    static func he(_ name: String) -> Person { Person(name: name, subject: "he", object: "him", possessive: "his") }

    /// 24 names, half with "she", half with "he".
    static let all: [Person] = [
        "Mia", "Emma", "Sofia", "Ava", "Lena", "Nora", "Zoe", "Priya", "Aisha", "Chloe", "Hannah", "Julia",
    ].map(she) + [
        "Liam", "Noah", "Omar", "Lucas", "Ethan", "Mateo", "Ravi", "Samuel", "Tom", "Diego", "Kenji", "Felix",
    ].map(he)
}

/// A counted thing: its singular and plural forms ("box", "boxes").
struct Unit: Sendable {
    var singular: String
    var plural: String
}

/// Turns a chain of steps into an English word problem.
///
/// Templates use these placeholders: `{name}`; `{he}` `{He}` `{him}` `{his}` `{His}` for the
/// person's pronouns; `{N}` for the one number of a sentence; `{items}` for the unit, which is
/// singular when it follows a `{N}` equal to 1 and plural otherwise.
enum ProblemWriter {
    /// Writes the problem text for `start` followed by `steps`, drawing the situation, person,
    /// unit and phrasings from `rng` (in a fixed order, so the text depends only on the seed).
    static func write(start: Int, steps: [ChainStep], using rng: inout SplitMix64) -> String {
        let situation = rng.element(of: Situation.all)
        let person = rng.element(of: Person.all)
        let unit = rng.element(of: situation.units)
        var sentences = [fill(rng.element(of: situation.starts), number: start, person: person, unit: unit)]
        for step in steps {
            let phrasing = rng.element(of: situation.phrasings(for: step.operation))
            sentences.append(fill(phrasing, number: step.operand, person: person, unit: unit))
        }
        sentences.append(fill(rng.element(of: situation.questions), number: nil, person: person, unit: unit))
        return sentences.joined(separator: " ")
    }

    /// Replaces the placeholders of one template sentence.
    static func fill(_ template: String, number: Int?, person: Person, unit: Unit) -> String {
        var output = ""
        var rest = template[...]
        var numberSeen = false
        while let open = rest.firstIndex(of: "{") {
            output += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let key = rest[rest.index(after: open)..<close]
            switch key {
            case "name": output += person.name
            case "he": output += person.subject
            case "He": output += capitalized(person.subject)
            case "him": output += person.object
            case "his": output += person.possessive
            case "His": output += capitalized(person.possessive)
            case "N":
                precondition(number != nil, "template needs a number: \(template)")
                output += String(number ?? 0)
                numberSeen = true
            case "items":
                output += numberSeen && number == 1 ? unit.singular : unit.plural
            default:
                preconditionFailure("unknown placeholder {\(key)} in \(template)")
            }
            rest = rest[rest.index(after: close)...]
        }
        output += rest
        return output
    }

    private static func capitalized(_ word: String) -> String { word.prefix(1).uppercased() + word.dropFirst() }
}
