// What the pager says and offers, rendered to HTML: exact totals, and totals the server only
// counted up to (more rows exist than it says), where every claim must still be true.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ListPagination, type ListPaginationProps } from "@/components/ui/list-pagination";

function render(props: Pick<ListPaginationProps, "page" | "total" | "totalIsLowerBound">) {
  const html = renderToStaticMarkup(
    createElement(ListPagination, { pageSize: 25, noun: "keys", hrefForPage: (page) => `/list?page=${page}`, onNavigate: () => undefined, ...props }),
  );
  const text = html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
  return {
    text,
    previous: html.includes('rel="prev"'),
    next: html.includes('rel="next"'),
  };
}

describe("ListPagination", () => {
  it("shows an exact total and the page count", () => {
    const view = render({ page: 2, total: 60 });
    expect(view.text).toContain("Showing 26–50 of 60");
    expect(view.text).toContain("Page 2 of 3");
    expect(view).toMatchObject({ previous: true, next: true });
    expect(render({ page: 3, total: 60 })).toMatchObject({ previous: true, next: false });
  });

  it("says 'more than' for a total the server stopped counting at, and offers the next page", () => {
    const view = render({ page: 1, total: 10_000, totalIsLowerBound: true });
    expect(view.text).toContain("Showing 1–25 of more than 10,000");
    expect(view.text).toContain("Page 1 of more than 400");
    expect(view).toMatchObject({ previous: false, next: true });
  });

  it("offers a next page even on the last fully counted one", () => {
    const view = render({ page: 400, total: 10_000, totalIsLowerBound: true });
    expect(view.text).toContain("Showing 9,976–10,000 of more than 10,000");
    expect(view.text).toContain("Page 400 of more than 400");
    expect(view.next).toBe(true);
  });

  it("never claims more pages than it knows of when the bound is not a page multiple", () => {
    // More than 60 rows: at least 61, so at least 3 pages; a fourth is not sure.
    const view = render({ page: 3, total: 60, totalIsLowerBound: true });
    expect(view.text).toContain("Showing 51–60 of more than 60");
    expect(view.text).toContain("Page 3 of at least 3");
    expect(view.next).toBe(false);
  });
});
