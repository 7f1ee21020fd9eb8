namespace EStore.Mesh.Tests;

public sealed class MeshCommandLineTests
{
    [Fact]
    public void No_arguments_mean_up_with_fixed_ports_and_one_instance_each()
    {
        var result = MeshCommandLine.Parse([]);

        Assert.True(result.IsSuccess);
        Assert.Equal("up", result.Arguments!.Command);
        Assert.Equal(MeshPortMode.Fixed, result.Arguments.Ports);
        Assert.Empty(result.Arguments.Scale);
        Assert.Null(result.Arguments.Configuration);
    }

    [Fact]
    public void All_options_parse_in_both_spellings()
    {
        var result = MeshCommandLine.Parse(["up", "--ports", "auto", "--scale", "product-service=3", "--scale=Gateway=2", "--data", "rel/dir", "--config=Release"]);

        Assert.True(result.IsSuccess, result.Error);
        var args = result.Arguments!;
        Assert.Equal(MeshPortMode.Auto, args.Ports);
        Assert.Equal(3, args.Scale["product-service"]);
        Assert.Equal(2, args.Scale["gateway"]);
        Assert.Equal(Path.GetFullPath("rel/dir"), args.DataDirectory);
        Assert.Equal("release", args.Configuration);

        var options = args.ToHostOptions();
        Assert.Equal(3, options.Scale["PRODUCT-SERVICE"]);
        Assert.Equal(MeshPortMode.Auto, options.Ports);
    }

    [Fact]
    public void Up_restarts_crashed_instances_unless_fail_fast_is_given_and_test_meshes_never_do()
    {
        Assert.True(MeshCommandLine.Parse(["up"]).Arguments!.ToHostOptions().RestartCrashedInstances);
        var failFast = MeshCommandLine.Parse(["up", "--fail-fast"]);
        Assert.True(failFast.IsSuccess, failFast.Error);
        Assert.False(failFast.Arguments!.ToHostOptions().RestartCrashedInstances);
        Assert.False(MeshHostOptions.ForTests().RestartCrashedInstances);
        Assert.Equal("--fail-fast takes no value", MeshCommandLine.Parse(["--fail-fast=yes"]).Error);
        Assert.Contains("--fail-fast", MeshCommandLine.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Up_seeds_the_demo_shops_and_catalog_but_other_meshes_do_not_unless_asked()
    {
        Assert.True(MeshCommandLine.Parse(["up", "--ports", "auto"]).Arguments!.ToHostOptions().SeedDemoData);
        Assert.False(MeshHostOptions.ForTests().SeedDemoData);
        Assert.False(new MeshHostOptions().SeedDemoData);
    }

    [Fact]
    public void Unknown_app_in_scale_is_an_error_that_lists_the_known_apps()
    {
        var result = MeshCommandLine.Parse(["--scale", "basket-service=2"]);

        Assert.False(result.IsSuccess);
        Assert.Contains("unknown app 'basket-service'", result.Error);
        foreach (var app in ServiceCatalog.AppNames)
        {
            Assert.Contains(app, result.Error);
        }
    }

    [Theory]
    [InlineData("product-service", "expects app=N")]
    [InlineData("product-service=", "expects app=N")]
    [InlineData("=2", "expects app=N")]
    [InlineData("product-service=two", "whole number from 0 to 32, not 'two'")]
    [InlineData("product-service=-1", "whole number")]
    [InlineData("product-service=33", "whole number")]
    [InlineData("discovery=2", "discovery runs as a single instance")]
    [InlineData("gateway=0", "gateway cannot be scaled to 0")]
    public void Malformed_scale_values_give_clear_errors(string value, string expected)
    {
        var result = MeshCommandLine.Parse(["--scale", value]);

        Assert.False(result.IsSuccess);
        Assert.Contains(expected, result.Error);
    }

    [Theory]
    [InlineData(new[] { "--ports", "random" }, "--ports must be 'fixed' or 'auto', not 'random'")]
    [InlineData(new[] { "--config", "profile" }, "--config must be 'debug' or 'release'")]
    [InlineData(new[] { "--scale" }, "--scale needs a value")]
    [InlineData(new[] { "--data", "--ports", "auto" }, "--data needs a value")]
    [InlineData(new[] { "--verbose" }, "unknown option '--verbose'")]
    [InlineData(new[] { "down" }, "unknown command 'down'")]
    [InlineData(new[] { "up", "extra" }, "unexpected argument 'extra'")]
    public void Bad_options_give_one_line_errors(string[] args, string expected)
    {
        var result = MeshCommandLine.Parse(args);

        Assert.False(result.IsSuccess);
        Assert.Contains(expected, result.Error);
        Assert.DoesNotContain('\n', result.Error!);
    }

    [Fact]
    public void Help_is_recognised_and_usage_names_every_option_and_app()
    {
        Assert.True(MeshCommandLine.Parse(["--help"]).Arguments!.ShowHelp);
        foreach (var word in new[] { "--ports", "--scale", "--data", "--config", "--help", "product-service" })
        {
            Assert.Contains(word, MeshCommandLine.Usage);
        }
    }
}
