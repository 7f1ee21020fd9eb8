using System.Text;
using EStore.Platform.Text;

namespace EStore.Product.Services;

/// <summary>
/// Turns the catalog's <c>q</c> into words: the text NFKC-normalised (<see cref="UnicodeText.Normalize"/>, so
/// full-width "ｃｈａｒｇｅｒ" is "charger"), then runs of letters and digits, lower-cased; everything else separates them.
/// </summary>
public static class SearchText
{
    /// <summary>The most words one search may have.</summary>
    public const int MaxWords = 10;

    public static IReadOnlyList<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in UnicodeText.Normalize(text))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }
        return [.. words.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// A PostgreSQL tsquery in which every word must match as a prefix ("lapt" finds "laptop"). Safe by construction:
    /// the words hold letters and digits only, none of tsquery's operators, and the result travels as a parameter.
    /// </summary>
    public static string PrefixQuery(IReadOnlyList<string> words) => string.Join(" & ", words.Select(w => w + ":*"));
}
