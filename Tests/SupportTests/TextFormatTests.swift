// The shared number, duration and HTML text helpers.

import Support
import Testing

@Suite struct TextFormatTests {
    @Test func groupsThousandsWithCommas() {
        #expect(TextFormat.grouped(0) == "0")
        #expect(TextFormat.grouped(999) == "999")
        #expect(TextFormat.grouped(1000) == "1,000")
        #expect(TextFormat.grouped(853_504) == "853,504")
        #expect(TextFormat.grouped(-14_400) == "-14,400")
        #expect(TextFormat.grouped(Int.min) == "-9,223,372,036,854,775,808")
    }

    @Test func escapesTheFourHTMLCharactersAndNothingElse() {
        #expect(TextFormat.htmlEscaped("a < b & \"c\" > d") == "a &lt; b &amp; &quot;c&quot; &gt; d")
        #expect(TextFormat.htmlEscaped("it's → 7") == "it's → 7")
        #expect(TextFormat.htmlEscaped("") == "")
    }

    @Test func writesDurationsAsClockTime() {
        #expect(TextFormat.duration(0) == "0:00")
        #expect(TextFormat.duration(59.6) == "1:00")
        #expect(TextFormat.duration(754.2) == "12:34")
        #expect(TextFormat.duration(3723) == "1:02:03")
        #expect(TextFormat.duration(.nan) == "--:--")
        #expect(TextFormat.duration(-1) == "--:--")
    }
}
