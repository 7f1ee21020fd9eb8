using System.Globalization;
using System.Text;
using System.Text.Json;
using EStore.Platform.Errors;
using EStore.Platform.Text;

namespace EStore.Product.Import;

/// <summary>
/// One data row of an import file, its values checked on their own (what needs the database comes later). <c>Row</c> is
/// 1 for the first data row (after a CSV's header) or the first item of a JSON array; <c>Error</c> says why the row
/// cannot be applied whatever the catalog holds (null when its values are fine); an absent value is null.
/// </summary>
public sealed record ImportRow(
    int Row, string? Sku, string? Name, string? Description, IReadOnlyList<string>? CategoryPath, string? VariantName,
    decimal? Price, string? Currency, int? Stock, int? LowStockThreshold, string? SupplierRef, string? Error);

/// <summary>A whole file read: its format and rows, or (in <see cref="Error"/>) why the whole file is refused.</summary>
public sealed record ImportFileContent(string Format, IReadOnlyList<ImportRow> Rows);

/// <summary>
/// Reads an import file: UTF-8 (a BOM is allowed) CSV with a header row (RFC 4180: commas, quoted fields, doubled
/// quotes, CRLF or LF) or a JSON array of objects, with the documented columns. Whole-file problems (not UTF-8, not
/// CSV/JSON, missing or unknown columns, duplicate SKUs, no rows, too many rows) refuse the file; a bad value only
/// rejects its row.
/// </summary>
public static class ImportFileReader
{
    public const string Csv = "csv";
    public const string Json = "json";

    /// <summary>The documented columns (CSV header names, JSON property names; case-insensitive).</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["sku", "name", "description", "categoryPath", "variantName", "price", "currency", "stock", "lowStockThreshold", "supplierRef"];

    /// <summary>Columns every CSV file must have.</summary>
    public static readonly IReadOnlyList<string> RequiredColumns = ["sku", "name", "price"];

    /// <summary>Separates the levels of <c>categoryPath</c>: <c>Kitchen/Knives</c>.</summary>
    public const char PathSeparator = '/';

    private const decimal MaxPrice = 1_000_000m;
    private const int MaxStock = 1_000_000;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The format of a file: from its media type or name, else from its first character (<c>[</c> is JSON).</summary>
    public static string DetectFormat(string? format, string? contentType, string? fileName, ReadOnlySpan<byte> content)
    {
        if (format is { Length: > 0 })
        {
            return format.ToLowerInvariant();
        }
        if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true || fileName?.EndsWith(".json", StringComparison.OrdinalIgnoreCase) == true)
        {
            return Json;
        }
        if (contentType?.Contains("csv", StringComparison.OrdinalIgnoreCase) == true || fileName?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) == true)
        {
            return Csv;
        }
        foreach (var b in content)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }
            return b == (byte)'[' ? Json : Csv;
        }
        return Csv;
    }

    /// <summary>Reads <paramref name="content"/> as <paramref name="format"/>; an error refuses the whole file.</summary>
    public static Result<ImportFileContent> Read(ReadOnlySpan<byte> content, string format, int maxRows)
    {
        if (format is not (Csv or Json))
        {
            return Error.BadValue("format", "'format' must be csv or json.");
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException ex)
        {
            return Error.BadRequest($"The file is not UTF-8 text (an invalid byte at offset {ex.Index}); save it as UTF-8 and upload it again.");
        }
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }
        var records = format == Csv ? ReadCsv(text) : ReadJson(text);
        if (records.Error is { } error)
        {
            return error;
        }
        var list = records.Value!;
        if (list.Count == 0)
        {
            return Error.Validation("file", "The file holds no rows.");
        }
        if (list.Count > maxRows)
        {
            return Error.Validation("file", $"The file holds {list.Count} rows; at most {maxRows} are accepted in one import.");
        }
        var rows = list.Select((values, i) => Parse(i + 1, values)).ToList();
        var duplicates = rows.Where(r => !string.IsNullOrEmpty(r.Sku)).GroupBy(r => r.Sku!, StringComparer.Ordinal)
            .Where(g => g.Count() > 1).Take(10)
            .Select(g => $"'{g.Key}' in rows {string.Join(", ", g.Select(r => r.Row).Take(5))}").ToList();
        if (duplicates.Count > 0)
        {
            return Error.Validation("sku", $"Each SKU may appear once in a file: {string.Join("; ", duplicates)}.");
        }
        return new ImportFileContent(format, rows);
    }

    private static Result<List<Dictionary<string, string?>>> ReadCsv(string text)
    {
        var records = CsvRecords(text, out var unterminated);
        if (unterminated)
        {
            return Error.BadRequest("The CSV file ends inside a quoted field.");
        }
        if (records.Count == 0)
        {
            return Error.Validation("file", "The file is empty; a CSV file starts with a header row naming its columns.");
        }
        var header = records[0];
        var columns = new List<string>(header.Count);
        var errors = new List<string>();
        foreach (var raw in header)
        {
            var name = raw.Trim();
            var known = Columns.FirstOrDefault(c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                errors.Add($"Unknown column '{name}'.");
            }
            else if (columns.Contains(known))
            {
                errors.Add($"Column '{known}' appears twice.");
            }
            columns.Add(known ?? name);
        }
        var missing = RequiredColumns.Where(c => !columns.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            errors.Add($"Missing column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}.");
        }
        if (errors.Count > 0)
        {
            return Error.Validation(new Dictionary<string, string[]>
            {
                ["columns"] = [.. errors, $"The columns are {string.Join(", ", Columns)} ({string.Join(", ", RequiredColumns)} required)."],
            });
        }
        var result = new List<Dictionary<string, string?>>(records.Count - 1);
        foreach (var record in records.Skip(1))
        {
            // A blank line (one empty field) is no row.
            if (record.Count == 1 && record[0].Length == 0)
            {
                continue;
            }
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < columns.Count; i++)
            {
                values[columns[i]] = i < record.Count ? record[i] : null;
            }
            if (record.Count != columns.Count)
            {
                values["!"] = $"The row has {record.Count} fields; the header names {columns.Count}.";
            }
            result.Add(values);
        }
        return result;
    }

    /// <summary>RFC 4180 records: comma-separated fields, quoted fields may hold commas, quotes (doubled) and line breaks.</summary>
    private static List<List<string>> CsvRecords(string text, out bool unterminated)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        unterminated = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    any = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    any = true;
                    break;
                case '\r' or '\n':
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }
                    record.Add(field.ToString());
                    field.Clear();
                    records.Add(record);
                    record = [];
                    any = false;
                    break;
                default:
                    field.Append(c);
                    any = true;
                    break;
            }
        }
        unterminated = quoted;
        if (any || field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }
        return records;
    }

    private static Result<List<Dictionary<string, string?>>> ReadJson(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            return Error.BadRequest($"The file is not valid JSON (line {ex.LineNumber + 1}): an array of objects with the documented columns is expected.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return Error.BadRequest("A JSON import file is an array of objects, one per row.");
            }
            var result = new List<Dictionary<string, string?>>(document.RootElement.GetArrayLength());
            var unknown = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var item in document.RootElement.EnumerateArray())
            {
                var values = new Dictionary<string, string?>(StringComparer.Ordinal);
                if (item.ValueKind != JsonValueKind.Object)
                {
                    values["!"] = "The row is not a JSON object.";
                    result.Add(values);
                    continue;
                }
                foreach (var property in item.EnumerateObject())
                {
                    var known = Columns.FirstOrDefault(c => c.Equals(property.Name, StringComparison.OrdinalIgnoreCase));
                    if (known is null)
                    {
                        unknown.Add(property.Name);
                        continue;
                    }
                    values[known] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Number => property.Value.GetRawText(),
                        JsonValueKind.Null => null,
                        _ => "\u0000" + property.Value.ValueKind,
                    };
                }
                result.Add(values);
            }
            if (unknown.Count > 0)
            {
                return Error.Validation("columns", $"Unknown propert{(unknown.Count > 1 ? "ies" : "y")} {string.Join(", ", unknown.Take(10))}; the columns are {string.Join(", ", Columns)}.");
            }
            return result;
        }
    }

    private static ImportRow Parse(int row, Dictionary<string, string?> values)
    {
        string? Text(string column) => values.GetValueOrDefault(column) is { } v && v.Trim() is { Length: > 0 } t ? t : null;
        var problems = new List<string>();
        if (values.GetValueOrDefault("!") is { } shape)
        {
            problems.Add(shape);
        }
        foreach (var (column, value) in values)
        {
            if (value is ['\u0000', ..])
            {
                problems.Add($"{column} must be a string or a number, not {value[1..]}.");
                values[column] = null;
            }
        }
        var sku = Text("sku");
        if (sku is null || sku.Length > 64 || !sku.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            problems.Add("sku is required: up to 64 letters, digits, '-', '_' or '.'.");
        }
        var name = Name(Text("name"), 200, required: true, "name", problems);
        var variantName = Name(Text("variantName"), 100, required: false, "variantName", problems);
        var description = Text("description");
        if (description is { Length: > 4000 })
        {
            problems.Add("description has more than 4000 characters.");
        }
        var price = Text("price") is { } p
            ? decimal.TryParse(p, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : (decimal?)null
            : null;
        if (price is not { } amount || amount < 0 || amount > MaxPrice || decimal.Round(amount, 2) != amount)
        {
            problems.Add(Text("price") is { } raw && price is < 0
                ? $"price {raw} is negative."
                : $"price is required: a number from 0 to {MaxPrice} with at most two decimals and a '.' (got '{Text("price")}').");
        }
        var currency = Text("currency");
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)))
        {
            problems.Add($"currency '{currency}' is not an ISO 4217 code such as EUR.");
        }
        var stock = Count(Text("stock"), "stock", problems);
        var threshold = Count(Text("lowStockThreshold"), "lowStockThreshold", problems);
        var supplierRef = Text("supplierRef");
        if (supplierRef is { Length: > 100 })
        {
            problems.Add("supplierRef has more than 100 characters.");
        }
        IReadOnlyList<string>? path = null;
        if (Text("categoryPath") is { } categoryPath)
        {
            var parts = categoryPath.Split(PathSeparator, StringSplitOptions.TrimEntries);
            if (parts.Any(part => part.Length is 0 or > 100) || parts.Length > 10)
            {
                problems.Add($"categoryPath '{categoryPath}' must be category names (at most 100 characters each) separated by '{PathSeparator}'.");
            }
            path = parts;
        }
        return new ImportRow(row, sku, name, description, path, variantName, price, currency, stock, threshold, supplierRef,
            problems.Count == 0 ? null : string.Join(" ", problems));
    }

    private static string? Name(string? raw, int max, bool required, string column, List<string> problems)
    {
        if (raw is not null && UnicodeText.FindForbidden(raw) is { } what)
        {
            problems.Add($"{column} must not contain {what}.");
            return null;
        }
        var clean = raw is null ? null : UnicodeText.Normalize(raw) is { Length: > 0 } c ? c : null;
        if ((required && clean is null) || clean is { Length: var length } && length > max)
        {
            problems.Add(required ? $"{column} is required, at most {max} characters." : $"{column} has more than {max} characters.");
        }
        return clean;
    }

    private static int? Count(string? raw, string column, List<string> problems)
    {
        if (raw is null)
        {
            return null;
        }
        if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < 0 || value > MaxStock)
        {
            problems.Add(value < 0 ? $"{column} {raw} is negative." : $"{column} must be a whole number from 0 to {MaxStock} (got '{raw}').");
            return null;
        }
        return value;
    }
}
