using System.Text;
using EStore.Platform.Text;

namespace EStore.Platform.Tests.Text;

public sealed class UnicodeTextTests
{
    [Fact]
    public void Icu_is_loaded_although_the_process_runs_with_invariant_globalization()
    {
        // The reason the helper exists: string.Normalize is a silent no-op for non-ASCII text in invariant mode.
        Assert.Equal("Ｖｏｌｔ", "Ｖｏｌｔ".Normalize(NormalizationForm.FormKC));
        Assert.StartsWith("ICU ", UnicodeText.Engine, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ｖｏｌｔ Ｅｌｅｃｔｒｏｎｉｃｓ", "Volt Electronics")]
    [InlineData("  Volt \t  Electronics  ", "Volt Electronics")]
    [InlineData("Volt\u00A0\u3000Electronics", "Volt Electronics")]
    [InlineData("Cafe\u0301", "Café")]
    [InlineData("ﬁne", "fine")]
    [InlineData("", "")]
    public void Normalize_applies_NFKC_trims_and_collapses_white_space(string input, string expected) =>
        Assert.Equal(expected, UnicodeText.Normalize(input));

    [Theory]
    [InlineData("Ｖｏｌｔ", "VOLT")]
    [InlineData("  Daily \t  grind\u3000Kitchen ", "DAILY GRIND KITCHEN")]
    [InlineData("volt electronics", "VOLT ELECTRONICS")]
    [InlineData("Cafe\u0301 ﬁne", "CAFÉ FINE")]
    [InlineData("Größe ελληνικά", "GRÖßE ΕΛΛΗΝΙΚΆ")]
    [InlineData(" \u3000 ", "")]
    public void ComparisonKey_is_the_normalised_name_upper_cased(string input, string expected) =>
        Assert.Equal(expected, UnicodeText.ComparisonKey(input));

    [Fact]
    public void ComparisonKey_makes_a_query_find_a_stored_name_and_keeps_lookalikes_apart()
    {
        var stored = UnicodeText.ComparisonKey("Volt Electronics");
        Assert.Contains(UnicodeText.ComparisonKey("Ｖｏｌｔ"), stored, StringComparison.Ordinal);
        Assert.Contains(UnicodeText.ComparisonKey("volt   ELECTRONICS "), stored, StringComparison.Ordinal);
        Assert.Equal(stored, UnicodeText.ComparisonKey(UnicodeText.ComparisonKey("Volt Electronics")));
        // Case and width only: a Cyrillic о is another letter here (Skeleton is what catches lookalikes).
        Assert.NotEqual(stored, UnicodeText.ComparisonKey("Vоlt Electronics"));
    }

    [Theory]
    [InlineData("Vo\u200Blt", "a zero-width character (U+200B) at position 3")]
    [InlineData("Volt\u202Escinortcele", "a bidirectional text control (U+202E) at position 5")]
    [InlineData("\u2066Volt\u2069", "a bidirectional text control (U+2066) at position 1")]
    [InlineData("Volt\u200F", "a bidirectional text control (U+200F) at position 5")]
    [InlineData("Volt\0", "a NUL character (U+0000) at position 5")]
    [InlineData("Volt\nShop", "a control character (U+000A) at position 5")]
    [InlineData("\uFEFFVolt", "a zero-width character (U+FEFF) at position 1")]
    [InlineData("Volt\u00AD", "an invisible formatting character (U+00AD) at position 5")]
    [InlineData("Vo\uFE0Flt", "an invisible character (U+FE0F) at position 3")]
    [InlineData("Volt\uE000", "a private-use character (U+E000) at position 5")]
    [InlineData("Volt\uFFFF", "a noncharacter (U+FFFF) at position 5")]
    [InlineData("Volt\u0378", "an unassigned code point (U+0378) at position 5")]
    public void FindForbidden_names_the_first_invisible_or_undefined_character(string input, string expected) =>
        Assert.Equal(expected, UnicodeText.FindForbidden(input));

    [Fact]
    public void FindForbidden_names_an_unpaired_surrogate()
    {
        // Built at run time: attribute arguments cannot carry a lone surrogate (it becomes U+FFFD).
        var text = "Volt" + (char)0xD800 + "x";
        Assert.Equal("an unpaired surrogate (U+D800) at position 5", UnicodeText.FindForbidden(text));
        Assert.Equal("an unpaired surrogate (U+DC00) at position 2", UnicodeText.FindForbidden("V" + (char)0xDC00));
    }

    [Theory]
    [InlineData("Volt Electronics")]
    [InlineData("Café Größe 東京 Ελληνικά Русский")]
    [InlineData("Rock 'n' Roll & Co. (2026) 😀")]
    public void FindForbidden_accepts_ordinary_names_in_any_script(string input) =>
        Assert.Null(UnicodeText.FindForbidden(input));

    [Theory]
    [InlineData("Volt Electronics", "Vоlt Electronics")] // Cyrillic о
    [InlineData("Volt", "Ｖｏｌｔ")] // full-width
    [InlineData("Volt", "Vo\u200Blt")] // zero-width space
    [InlineData("Volt", "V\u202Eolt")] // bidi override
    [InlineData("paypal", "pаypаl")] // Cyrillic а twice
    [InlineData("Volt", "VOLT")] // case
    [InlineData("Volt", "Vo1t")] // digit one against l
    [InlineData("Summit Outfitters", "Summit  0utfitters")] // zero against O, doubled space
    [InlineData("Volt", "V\u03BFlt")] // Greek omicron
    [InlineData("modern", "rnodern")] // ICU's multi-character lookalike
    public void Lookalike_names_have_the_same_skeleton(string name, string lookalike)
    {
        Assert.Equal(UnicodeText.Skeleton(name), UnicodeText.Skeleton(lookalike));
        Assert.True(UnicodeText.AreConfusable(name, lookalike));
    }

    [Theory]
    [InlineData("Volt Electronics", "Volt Electronic")]
    [InlineData("Volt", "Bolt")]
    [InlineData("Summit Outfitters", "Daily Grind Kitchen")]
    public void Different_names_have_different_skeletons(string first, string second) =>
        Assert.False(UnicodeText.AreConfusable(first, second));

    [Fact]
    public void The_built_in_table_catches_the_same_lookalikes_when_ICU_is_missing()
    {
        static string Fallback(string text) => BuiltInTable.Skeleton(BuiltInTable.NormalizeKc(text)).ToLowerInvariant();

        Assert.Equal("volt electronics", Fallback("Vоlt Electronics"));
        Assert.Equal(Fallback("Volt"), Fallback("Ｖｏｌｔ"));
        Assert.Equal(Fallback("paypal"), Fallback("pаypаl"));
        Assert.Equal(Fallback("VOLT"), Fallback("V0LT"));
        Assert.Equal(Fallback("Volt"), Fallback("Vo1t"));
        Assert.NotEqual(Fallback("Volt"), Fallback("Bolt"));
    }
}
