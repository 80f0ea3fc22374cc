import Testing
@testable import Support

@Suite struct JSONTests {
    @Test func roundTripsEveryKind() throws {
        let value: JSONValue = [
            "null": nil, "t": true, "f": false, "int": 42, "neg": -7, "frac": 0.1, "big": 1e300,
            "s": "quote \" backslash \\ newline \n tab \t bell \u{07} é 😀",
            "list": [1, "two", [3], [:]], "obj": ["nested": ["deep": "x"]],
        ]
        let text = value.serialized()
        #expect(try JSONValue(parsing: text) == value)
    }

    @Test func integersStayExactAndCompareWithEqualDoubles() throws {
        let value = try JSONValue(parsing: "[9007199254740993, 1.0, 1.5, -0, 2e3, true]")
        #expect(value.arrayValue?.first == .integer(9_007_199_254_740_993))
        #expect(value.arrayValue?[1] == .number(1) && value.arrayValue?[1] == 1)
        #expect(value.integers == nil)   // 1.0, 1.5, 2e3 and true are not written as integers
        #expect(try JSONValue(parsing: "[0, 7, -3]").integers == [0, 7, -3])
        #expect(JSONValue.number(1.5) != 1 && JSONValue.number(.nan) != .number(.nan))
        #expect(try JSONValue(parsing: "3").kind == "number" && JSONValue.array([]).kind == "array")
    }

    @Test func integralNumbersPrintWithoutDecimalPoint() {
        #expect(JSONValue.int(3).text == "3")
        #expect(JSONValue.number(-0.5).text == "-0.5")
        #expect(JSONValue.number(.nan).text == "null")
        let unordered: JSONValue = ["b": 1, "a": 2]
        #expect(unordered.text == #"{"a":2,"b":1}"#)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONValue(parsing: #"["\u00e9\ud83d\ude00\/\b\f\r", 1E2, -0, 2.5e-3]"#)
        #expect(value == ["é😀/\u{08}\u{0C}\r", 100, 0, 0.0025])
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "-", "tru", "\"abc", "\"\\x\"",
        "\"\\ud800\"", "\"\\udc00x\"", "[1] 2", "{'a':1}", "\"tab\there\"", "nul", "1e", "[\"\u{0}\"]",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONError.self) { try JSONValue(parsing: text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONError.self) { try JSONValue(parsing: [0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func deepNestingThrowsInsteadOfOverflowing() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONError.self) { try JSONValue(parsing: deep) }
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        _ = try JSONValue(parsing: fine)
    }

    @Test func typedAccessors() throws {
        let value = try JSONValue(parsing: #"{"n": 3, "x": 2.5, "s": "hi", "b": true}"#)
        #expect(value["n"]?.intValue == 3)
        #expect(value["x"]?.intValue == nil)
        #expect(value["x"]?.doubleValue == 2.5)
        #expect(value["s"]?.stringValue == "hi")
        #expect(value["b"]?.boolValue == true)
        #expect(value["missing"] == nil)
        #expect(value["s"]?["inner"] == nil)
    }
}
