using System.Collections.Frozen;
using System.Text;

namespace EStore.Platform.Text;

/// <summary>
/// The fallback when no ICU library can be loaded: NFKC limited to full-width and half-width forms, ligatures
/// and special spaces, and a confusable table of the lookalikes that matter for Latin-script names (Cyrillic and
/// Greek letters, Latin small capitals and dotless letters, digits against letters). Its skeletons differ from
/// ICU's, so one deployment must not mix hosts with and without ICU.
/// </summary>
internal static class BuiltInTable
{
    // Pairs of (lookalike, prototype). Prototypes follow Unicode's confusables.txt: "I", "1", "|" -> "l", "0" -> "O".
    private const string Confusables =
        "АAВBСCЕEНHІlЈJКKМMОOРPЅSТTХXУYЁË" +
        "аaсcеeоoрpхxуyіiјjѕsԁdԛqԝwһhӏlѵvԍGѡwɡgɑa" +
        "ΑAΒBΕEΖZΗHΙlΚKΜMΝNΟOΡPΤTΥYΧXϹCϺMοoνvρpϲcϳjιi" +
        "ıiȷjℓlⅠlⅤVⅩXⅬLⅭCⅮDⅯMⅰiⅴvⅹxⅼlⅽcⅾdⅿm" +
        "Ilǀl1l|l0Oℴo";

    private static readonly FrozenDictionary<int, string> Map = BuildMap();

    /// <summary>NFKC for the forms above; other text is returned as it is.</summary>
    public static string NormalizeKc(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case >= '\uFF01' and <= '\uFF5E':
                    result.Append((char)(c - 0xFF01 + 0x21));
                    break;
                case '\u3000' or '\u00A0' or (>= '\u2000' and <= '\u200A') or '\u202F' or '\u205F':
                    result.Append(' ');
                    break;
                case '\uFB00':
                    result.Append("ff");
                    break;
                case '\uFB01':
                    result.Append("fi");
                    break;
                case '\uFB02':
                    result.Append("fl");
                    break;
                default:
                    result.Append(c);
                    break;
            }
        }
        return result.ToString();
    }

    /// <summary>Every character replaced by its prototype from the table.</summary>
    public static string Skeleton(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (Map.TryGetValue(rune.Value, out var prototype))
            {
                result.Append(prototype);
            }
            else
            {
                result.Append(rune.ToString());
            }
        }
        return result.ToString();
    }

    private static FrozenDictionary<int, string> BuildMap()
    {
        var map = new Dictionary<int, string>();
        var runes = Confusables.EnumerateRunes().ToArray();
        for (var i = 0; i + 1 < runes.Length; i += 2)
        {
            map[runes[i].Value] = runes[i + 1].ToString();
        }
        return map.ToFrozenDictionary();
    }
}
