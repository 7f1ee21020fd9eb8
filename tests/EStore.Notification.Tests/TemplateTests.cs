using System.Text.RegularExpressions;
using EStore.Notification.Services;

namespace EStore.Notification.Tests;

/// <summary>Every template of <c>Templates/</c> renders: subject, HTML and text, values encoded, nothing left unfilled.</summary>
public sealed partial class TemplateTests
{
    private const string Hostile = "<script>alert('x')</script> & \"quoted\"";
    private static readonly MailTemplates Templates = MailTemplates.Load(MailTemplates.DefaultDirectory);

    public static TheoryData<string> Kinds => [.. MailKinds.All.Keys];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_template_renders_both_bodies_with_encoded_values_the_store_and_a_link_back(string kind)
    {
        var values = Placeholders().ToDictionary(name => name, name => $"{name}:{Hostile}");
        values["storeName"] = "Store <b>One</b>";
        values["storeUrl"] = "https://store.test";
        values["link"] = "https://store.test/page?token=a&b=c";

        var mail = Templates.Render(kind, values);

        Assert.False(string.IsNullOrWhiteSpace(mail.Subject));
        Assert.DoesNotContain("{{", mail.Subject + mail.Html + mail.Text);
        Assert.DoesNotContain("<script>", mail.Html);
        Assert.Contains("&lt;script&gt;", mail.Html);
        Assert.Contains("Store &lt;b&gt;One&lt;/b&gt;", mail.Html);
        Assert.Contains("<a href=\"https://store.test\">", mail.Html);
        Assert.StartsWith("<!DOCTYPE html>", mail.Html);
        // The plain body carries the values as they are, the store and its address.
        Assert.Contains(Hostile, mail.Text);
        Assert.Contains("Store <b>One</b> - https://store.test", mail.Text);
        Assert.Contains("Hello name:", mail.Text);
    }

    [Fact]
    public void A_placeholder_without_a_value_is_an_error_not_blank_text()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Templates.Render(MailKinds.Welcome, new Dictionary<string, string>()));
        Assert.Contains("no value for {{", error.Message);
    }

    [Fact]
    public void A_missing_template_file_stops_the_start()
    {
        var directory = Directory.CreateTempSubdirectory("estore-templates");
        try
        {
            foreach (var file in Directory.GetFiles(MailTemplates.DefaultDirectory))
            {
                File.Copy(file, Path.Combine(directory.FullName, Path.GetFileName(file)));
            }
            File.Delete(Path.Combine(directory.FullName, "low-stock.html"));

            var error = Assert.Throws<InvalidOperationException>(() => MailTemplates.Load(directory.FullName));
            Assert.Contains("low-stock.html is missing", error.Message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    // Every placeholder any template file uses.
    private static IEnumerable<string> Placeholders() =>
        Directory.GetFiles(MailTemplates.DefaultDirectory).SelectMany(f => Placeholder().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).Distinct();

    [GeneratedRegex(@"\{\{\s*([A-Za-z]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
