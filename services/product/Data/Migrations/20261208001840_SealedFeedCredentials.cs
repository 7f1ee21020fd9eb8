using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EStore.Product.Data.Migrations;

/// <inheritdoc />
public partial class SealedFeedCredentials : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // Renamed, not dropped: secrets stored in plain text before stay until the startup step
        // (FeedCredentialSeal.ResealAsync) seals them; their CredentialKeyId is null until then.
        migrationBuilder.RenameColumn(
            name: "BasicPassword",
            table: "supplier_feeds",
            newName: "BasicPasswordSealed");

        migrationBuilder.RenameColumn(
            name: "HeaderValue",
            table: "supplier_feeds",
            newName: "HeaderTokenSealed");

        migrationBuilder.AlterColumn<string>(
            name: "BasicPasswordSealed",
            table: "supplier_feeds",
            type: "character varying(4000)",
            maxLength: 4000,
            nullable: true,
            oldClrType: typeof(string),
            oldType: "character varying(500)",
            oldMaxLength: 500,
            oldNullable: true);

        migrationBuilder.AlterColumn<string>(
            name: "HeaderTokenSealed",
            table: "supplier_feeds",
            type: "character varying(12000)",
            maxLength: 12000,
            nullable: true,
            oldClrType: typeof(string),
            oldType: "character varying(2000)",
            oldMaxLength: 2000,
            oldNullable: true);

        migrationBuilder.AddColumn<string>(
            name: "CredentialKeyId",
            table: "supplier_feeds",
            type: "character varying(16)",
            maxLength: 16,
            nullable: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // The sealed secrets do not fit the old columns and the old version cannot open them: they are dropped
        // (register those feeds' credentials again).
        migrationBuilder.DropColumn(
            name: "CredentialKeyId",
            table: "supplier_feeds");

        migrationBuilder.Sql("UPDATE supplier_feeds SET \"BasicPasswordSealed\" = NULL, \"HeaderTokenSealed\" = NULL;");

        migrationBuilder.RenameColumn(
            name: "BasicPasswordSealed",
            table: "supplier_feeds",
            newName: "BasicPassword");

        migrationBuilder.RenameColumn(
            name: "HeaderTokenSealed",
            table: "supplier_feeds",
            newName: "HeaderValue");

        migrationBuilder.AlterColumn<string>(
            name: "BasicPassword",
            table: "supplier_feeds",
            type: "character varying(500)",
            maxLength: 500,
            nullable: true,
            oldClrType: typeof(string),
            oldType: "character varying(4000)",
            oldMaxLength: 4000,
            oldNullable: true);

        migrationBuilder.AlterColumn<string>(
            name: "HeaderValue",
            table: "supplier_feeds",
            type: "character varying(2000)",
            maxLength: 2000,
            nullable: true,
            oldClrType: typeof(string),
            oldType: "character varying(12000)",
            oldMaxLength: 12000,
            oldNullable: true);
    }
}
