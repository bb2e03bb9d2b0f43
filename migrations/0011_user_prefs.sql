-- A user's console language, chosen in the console and kept across browsers.
-- NULL: not chosen yet, so the console follows the browser's language.
alter table users add column language text check (language in ('en', 'fa'));
