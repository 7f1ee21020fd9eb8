using System.Text;

namespace EStore.Platform.Text;

/// <summary>
/// CSV as the services' exports write it (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a
/// comma, quote or line break), with cells a spreadsheet would run as formulas made plain text.
/// </summary>
public static class CsvText
{
    /// <summary>One field as written: formula-guarded, then quoted when it holds a comma, quote or line break.</summary>
    public static string Field(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        // A spreadsheet would run a cell starting with one of these as a formula (CSV injection): make it text.
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>Appends one row of <paramref name="fields"/>, each through <see cref="Field"/>, and its CRLF.</summary>
    public static void AppendRow(StringBuilder csv, IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(csv);
        csv.AppendJoin(',', fields.Select(Field));
        csv.Append("\r\n");
    }
}
