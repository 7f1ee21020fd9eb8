using EStore.Platform.Paging;

namespace EStore.Platform.Tests.Paging;

public sealed class PageQueryTests
{
    [Theory]
    [InlineData(null, null, 1, 20)]
    [InlineData("", "", 1, 20)]
    [InlineData("3", "50", 3, 50)]
    [InlineData("10000", "100", 10000, 100)]
    public void Valid_or_absent_values_give_the_page(string? page, string? size, int expectedPage, int expectedSize)
    {
        Assert.True(PageQuery.TryParse(page, size, 20, 100, out var query, out var problem));
        Assert.Null(problem);
        Assert.Equal(new PageQuery(expectedPage, expectedSize), query);
    }

    [Theory]
    [InlineData("2147483647")]
    [InlineData("2147483648")]
    [InlineData("10001")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData(" 2")]
    [InlineData("abc")]
    public void A_page_out_of_range_or_malformed_is_refused(string page)
    {
        Assert.False(PageQuery.TryParse(page, null, 20, 100, out _, out var problem));
        Assert.NotNull(problem);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("2147483647")]
    public void A_size_out_of_range_is_refused(string size) =>
        Assert.False(PageQuery.TryParse("1", size, 20, 100, out _, out _));

    [Fact]
    public void The_offset_of_the_last_page_does_not_overflow() =>
        Assert.Equal(999_900, new PageQuery(PageQuery.MaxPage, 100).Offset);
}
