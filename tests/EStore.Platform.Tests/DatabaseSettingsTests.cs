using EStore.Platform.Data;
using EStore.Platform.Hosting;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace EStore.Platform.Tests;

public sealed class DatabaseSettingsTests
{
    [Fact]
    public void No_configuration_means_a_SQLite_file_named_after_the_app()
    {
        var settings = Read(Config());

        Assert.Equal(DatabaseProvider.Sqlite, settings.Provider);
        Assert.Contains("product-service.db", settings.ConnectionString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("Postgres")]
    [InlineData("POSTGRES")]
    public void Provider_name_is_case_insensitive(string provider)
    {
        var settings = Read(Config(("Database:Provider", provider), ("ConnectionStrings:Default", "Host=db;Database=products;Username=u;Password=p")));

        Assert.Equal(DatabaseProvider.Postgres, settings.Provider);
    }

    [Fact]
    public void Postgres_connections_prepare_repeated_statements_and_skip_the_reset_on_return_by_default()
    {
        var settings = Read(Config(("Database:Provider", "Postgres"), ("ConnectionStrings:Default", "Host=db;Database=products;Username=u;Password=p")));

        var connection = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        Assert.Equal(64, connection.MaxAutoPrepare);
        Assert.True(connection.NoResetOnClose);
    }

    [Theory]
    [InlineData("Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("maxautoprepare=0;noresetonclose=false")]
    public void A_connection_string_that_sets_preparing_or_resetting_keeps_its_values(string given)
    {
        var settings = Read(Config(("Database:Provider", "Postgres"), ("ConnectionStrings:Default", $"Host=db;Database=products;Username=u;Password=p;{given}")));

        var connection = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        Assert.Equal(0, connection.MaxAutoPrepare);
        Assert.False(connection.NoResetOnClose);
    }

    [Fact]
    public void Unknown_provider_fails_naming_the_key_and_the_allowed_values()
    {
        var error = Assert.Throws<StartupConfigurationException>(() =>
            Read(Config(("Database:Provider", "MySql"))));

        Assert.Equal("Database:Provider", error.Key);
        Assert.Contains("'MySql'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Postgres", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sqlite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_without_connection_string_fails_naming_the_connection_string_key()
    {
        var error = Assert.Throws<StartupConfigurationException>(() =>
            Read(Config(("Database:Provider", "Postgres"))));

        Assert.Equal("ConnectionStrings:Default", error.Key);
    }

    [Fact]
    public void Malformed_connection_string_fails_naming_the_key()
    {
        var error = Assert.Throws<StartupConfigurationException>(() =>
            Read(Config(("Database:Provider", "Postgres"), ("ConnectionStrings:Default", "Hots=x;;=;Nonsense"))));

        Assert.Equal("ConnectionStrings:Default", error.Key);
    }

    [Fact]
    public void Description_never_contains_the_password()
    {
        var settings = Read(Config(("Database:Provider", "Postgres"), ("ConnectionStrings:Default", "Host=db;Port=5433;Database=products;Username=u;Password=hunter2")));

        Assert.DoesNotContain("hunter2", settings.Describe(), StringComparison.Ordinal);
        Assert.Contains("db:5433", settings.Describe(), StringComparison.Ordinal);
    }

    private static DatabaseSettings Read(IConfiguration configuration) =>
        DatabaseSettings.For(configuration.GetValidatedOptions<DatabaseOptions>(DatabaseOptions.Section), "product-service");

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
