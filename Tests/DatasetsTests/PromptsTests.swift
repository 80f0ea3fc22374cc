import Testing
@testable import Datasets

@Suite("Prompt templates and sequence layouts")
struct PromptsTests {
    let example = Example(question: "Mia has 72 points. She spends 38 points. How many points are left?",
                          steps: ["<<72-38=34>>", "<<34*2=68>>"], answer: "68")

    @Test func texts() {
        #expect(Prompts.teacherText(example) ==
            "Question: Mia has 72 points. She spends 38 points. How many points are left?<<72-38=34>><<34*2=68>> The answer is: 68")
        #expect(Prompts.teacherText(example, dropLastStep: true).hasSuffix("left?<<72-38=34>> The answer is: 68"))
        #expect(Prompts.noCoTText(example).hasSuffix("left? The answer is: 68"))
        #expect(Prompts.studentText(example, latentSteps: 2).hasSuffix("left?<START><|CONTINUE|><|CONTINUE|><|STOP|> The answer is: 68"))
        #expect(Prompts.byStepLatentCount(for: example) == 7)
        #expect(Prompts.byStepLatentCount(for: Example(question: "q", steps: Array(repeating: "<<1+1=2>>", count: 8), answer: "2")) == 10)
    }

    @Test func layoutsMatchTheirTextAndPositions() throws {
        let tokenizer = Tokenizer(building: Dataset([example]))
        let prompt = tokenizer.prompt(question: example.question, latent: false)
        #expect(prompt.first == tokenizer.bosID)
        #expect(tokenizer.prompt(question: example.question, latent: true) == prompt + [tokenizer.startID])

        let teacher = tokenizer.teacherSequence(example)
        #expect(teacher.ids == [tokenizer.bosID] + tokenizer.encode(Prompts.teacherText(example)) + [tokenizer.eosID])
        #expect(teacher.promptCount == prompt.count)
        #expect(teacher.ids[teacher.answerAnchor] == tokenizer.spaceID)
        #expect(tokenizer.decode(Array(teacher.ids[(teacher.answerAnchor + 1)...]), skipSpecial: true) == "68")
        #expect(tokenizer.decode(Array(teacher.ids[(teacher.answerAnchor - 4)..<teacher.answerAnchor])) == " The answer is:")
        #expect(tokenizer.decode(Array(teacher.ids[teacher.promptCount...])) == "<<72-38=34>><<34*2=68>> The answer is: 68<eos>")

        let noCoT = tokenizer.noCoTSequence(example)
        #expect(noCoT.ids == [tokenizer.bosID] + tokenizer.encode(Prompts.noCoTText(example)) + [tokenizer.eosID])
        #expect(noCoT.ids[noCoT.answerAnchor] == tokenizer.spaceID && noCoT.latentPositions == nil)

        let student = tokenizer.studentSequence(example, latentSteps: 6)
        #expect(student.ids == [tokenizer.bosID] + tokenizer.encode(Prompts.studentText(example, latentSteps: 6)) + [tokenizer.eosID])
        let latent = try #require(student.latentPositions)
        #expect(latent.count == 6)
        #expect(student.ids[latent.lowerBound - 1] == tokenizer.startID && latent.lowerBound - 1 == student.promptCount)
        #expect(latent.allSatisfy { student.ids[$0] == tokenizer.continueID })
        #expect(student.ids[latent.upperBound] == tokenizer.stopID)
        #expect(student.ids[student.answerAnchor] == tokenizer.spaceID)
        #expect(student.ids[student.answerAnchor + 1] == tokenizer.id(of: "6"))
        #expect(tokenizer.studentSequence(example, latentSteps: 0).latentPositions?.isEmpty == true)

        // A curriculum stage: the latents stand in for the first step, the second is written out.
        let staged = tokenizer.studentSequence(example, latentSteps: 2, writtenFrom: 1)
        #expect(tokenizer.decode(Array(staged.ids[staged.promptCount...])) ==
            "<START><|CONTINUE|><|CONTINUE|><|STOP|><<34*2=68>> The answer is: 68<eos>")
        #expect(staged.ids[staged.answerAnchor] == tokenizer.spaceID && staged.ids[staged.answerAnchor + 1] == tokenizer.id(of: "6"))
        #expect(tokenizer.studentSequence(example, latentSteps: 2, writtenFrom: 2) == tokenizer.studentSequence(example, latentSteps: 2))
        #expect(tokenizer.studentSequence(example, latentSteps: 2, writtenFrom: 0).ids.count == staged.ids.count + tokenizer.encode("<<72-38=34>>").count)
        #expect(example.stepTexts == example.steps)
        #expect(Example(question: "q", steps: ["One.", "Two."], answer: "2").stepTexts == [" One.", " Two."])
    }

    @Test func negativeAndMultiDigitAnswersKeepTheAnchor() {
        let negative = Example(question: "q?", steps: [], answer: "-3")
        let tokenizer = Tokenizer(building: Dataset([negative]))
        let sequence = tokenizer.noCoTSequence(negative)
        #expect(sequence.ids[sequence.answerAnchor] == tokenizer.spaceID)
        #expect(tokenizer.decode(Array(sequence.ids[(sequence.answerAnchor + 1)...])) == "-3<eos>")
    }

    @Test func generatedLayoutsEncodeLikeTheirWholeText() throws {
        let data = try Dataset.arith(n: 200, seed: 6)
        let tokenizer = Tokenizer(building: data)
        for example in data {
            let teacher = tokenizer.teacherSequence(example, dropLastStep: true)
            #expect(teacher.ids == [tokenizer.bosID] + tokenizer.encode(Prompts.teacherText(example, dropLastStep: true)) + [tokenizer.eosID])
            #expect(AnswerParsing.isCorrect(tokenizer.decode(teacher.ids, skipSpecial: true), label: example.answer))
        }
    }
}
