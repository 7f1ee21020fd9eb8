using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace EStore.Product.Data.Migrations;

/// <inheritdoc />
public partial class ImportJobs : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(
            name: "SupplierRef",
            table: "product_variants",
            type: "character varying(100)",
            maxLength: 100,
            nullable: true);

        migrationBuilder.CreateTable(
            name: "import_jobs",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                ShopId = table.Column<Guid>(type: "uuid", nullable: false),
                RequestedBy = table.Column<Guid>(type: "uuid", nullable: false),
                FeedId = table.Column<Guid>(type: "uuid", nullable: true),
                Format = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                DryRun = table.Column<bool>(type: "boolean", nullable: false),
                ArchiveMissing = table.Column<bool>(type: "boolean", nullable: false),
                CreateCategories = table.Column<bool>(type: "boolean", nullable: false),
                State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                RowsTotal = table.Column<int>(type: "integer", nullable: false),
                RowsDone = table.Column<int>(type: "integer", nullable: false),
                Created = table.Column<int>(type: "integer", nullable: false),
                Updated = table.Column<int>(type: "integer", nullable: false),
                Unchanged = table.Column<int>(type: "integer", nullable: false),
                Rejected = table.Column<int>(type: "integer", nullable: false),
                Archived = table.Column<int>(type: "integer", nullable: false),
                Error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                Attempts = table.Column<int>(type: "integer", nullable: false),
                LeaseToken = table.Column<Guid>(type: "uuid", nullable: true),
                LeaseUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_import_jobs", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "import_files",
            columns: table => new
            {
                JobId = table.Column<Guid>(type: "uuid", nullable: false),
                Content = table.Column<byte[]>(type: "bytea", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_import_files", x => x.JobId);
                table.ForeignKey(
                    name: "FK_import_files_import_jobs_JobId",
                    column: x => x.JobId,
                    principalTable: "import_jobs",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "import_rows",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                JobId = table.Column<Guid>(type: "uuid", nullable: false),
                Row = table.Column<int>(type: "integer", nullable: false),
                Sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                ProductId = table.Column<Guid>(type: "uuid", nullable: true),
                VariantId = table.Column<Guid>(type: "uuid", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_import_rows", x => x.Id);
                table.ForeignKey(
                    name: "FK_import_rows_import_jobs_JobId",
                    column: x => x.JobId,
                    principalTable: "import_jobs",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_import_jobs_FeedId_CreatedAt",
            table: "import_jobs",
            columns: new[] { "FeedId", "CreatedAt" });

        migrationBuilder.CreateIndex(
            name: "IX_import_jobs_ShopId_CreatedAt",
            table: "import_jobs",
            columns: new[] { "ShopId", "CreatedAt" });

        migrationBuilder.CreateIndex(
            name: "IX_import_jobs_State_LeaseUntil",
            table: "import_jobs",
            columns: new[] { "State", "LeaseUntil" });

        migrationBuilder.CreateIndex(
            name: "IX_import_rows_JobId_Row",
            table: "import_rows",
            columns: new[] { "JobId", "Row" });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "import_files");

        migrationBuilder.DropTable(
            name: "import_rows");

        migrationBuilder.DropTable(
            name: "import_jobs");

        migrationBuilder.DropColumn(
            name: "SupplierRef",
            table: "product_variants");
    }
}
