-- What db.create_all() created before migrations existed (sqlite); the legacy-upgrade tests start from it.
CREATE TABLE mail_messages (
	id INTEGER NOT NULL, 
	to_addr VARCHAR(320) NOT NULL, 
	subject VARCHAR(300) NOT NULL, 
	body_text TEXT NOT NULL, 
	reply_to VARCHAR(320), 
	user_id INTEGER, 
	kind VARCHAR(40) NOT NULL, 
	created_at DATETIME NOT NULL, 
	next_attempt_at DATETIME NOT NULL, 
	attempts INTEGER NOT NULL, 
	last_error TEXT, 
	sent_at DATETIME, 
	CONSTRAINT pk_mail_messages PRIMARY KEY (id)
);

CREATE INDEX ix_mail_messages_pending ON mail_messages (sent_at, next_attempt_at);

CREATE INDEX ix_mail_messages_user_id ON mail_messages (user_id);

CREATE TABLE search_outbox (
	id INTEGER NOT NULL, 
	entity VARCHAR(40) NOT NULL, 
	entity_id INTEGER NOT NULL, 
	op VARCHAR(10) NOT NULL, 
	created_at DATETIME NOT NULL, 
	next_attempt_at DATETIME NOT NULL, 
	attempts INTEGER NOT NULL, 
	last_error TEXT, 
	done_at DATETIME, 
	CONSTRAINT pk_search_outbox PRIMARY KEY (id)
);

CREATE INDEX ix_search_outbox_due ON search_outbox (done_at, next_attempt_at);

CREATE TABLE rate_limit_counters (
	id INTEGER NOT NULL, 
	scope VARCHAR(40) NOT NULL, 
	"key" VARCHAR(200) NOT NULL, 
	window INTEGER NOT NULL, 
	count INTEGER NOT NULL, 
	expires_at INTEGER NOT NULL, 
	CONSTRAINT pk_rate_limit_counters PRIMARY KEY (id), 
	CONSTRAINT uq_rate_limit_counters_key UNIQUE (scope, "key", window)
);

CREATE TABLE audit_events (
	id INTEGER NOT NULL, 
	actor_id INTEGER, 
	subject_user_id INTEGER, 
	action VARCHAR(60) NOT NULL, 
	detail JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_audit_events PRIMARY KEY (id)
);

CREATE INDEX ix_audit_events_actor_id ON audit_events (actor_id);

CREATE INDEX ix_audit_events_subject_user_id ON audit_events (subject_user_id);

CREATE TABLE users (
	id INTEGER NOT NULL, 
	email VARCHAR(320) NOT NULL, 
	email_canonical VARCHAR(320) NOT NULL, 
	password_hash VARCHAR(255) NOT NULL, 
	account_type VARCHAR(10) NOT NULL, 
	role VARCHAR(10) NOT NULL, 
	locale VARCHAR(5), 
	email_verified_at DATETIME, 
	last_login_at DATETIME, 
	session_token VARCHAR(64) NOT NULL, 
	failed_logins INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_users PRIMARY KEY (id), 
	CONSTRAINT uq_users_email_canonical UNIQUE (email_canonical)
);

CREATE TABLE member_profiles (
	id INTEGER NOT NULL, 
	user_id INTEGER, 
	display_name VARCHAR(120) NOT NULL, 
	function_code VARCHAR(60), 
	function_text VARCHAR(120), 
	headline VARCHAR(160), 
	bio TEXT, 
	skills JSON NOT NULL, 
	experience_years INTEGER, 
	experience_level VARCHAR(20), 
	email_public BOOLEAN NOT NULL, 
	open_to_assignments BOOLEAN NOT NULL, 
	open_to_collaborations BOOLEAN NOT NULL, 
	open_to_mentoring BOOLEAN NOT NULL, 
	photo_filename VARCHAR(80), 
	visibility VARCHAR(10) NOT NULL, 
	published_at DATETIME, 
	version INTEGER NOT NULL, 
	card_language VARCHAR(2), 
	website VARCHAR(300), 
	accepts_contact BOOLEAN NOT NULL, 
	contact_email VARCHAR(320), 
	external_id VARCHAR(100), 
	place_id INTEGER, 
	place_name VARCHAR(120), 
	country VARCHAR(2), 
	region VARCHAR(20), 
	lat FLOAT, 
	lon FLOAT, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_member_profiles PRIMARY KEY (id), 
	CONSTRAINT uq_member_profiles_user_id UNIQUE (user_id), 
	CONSTRAINT fk_member_profiles_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE, 
	CONSTRAINT uq_member_profiles_external_id UNIQUE (external_id)
);

CREATE INDEX ix_member_profiles_visibility ON member_profiles (visibility);

CREATE INDEX ix_member_profiles_function_code ON member_profiles (function_code);

CREATE INDEX ix_member_profiles_photo_filename ON member_profiles (photo_filename);

CREATE INDEX ix_member_profiles_country ON member_profiles (country);

CREATE TABLE client_profiles (
	id INTEGER NOT NULL, 
	user_id INTEGER, 
	name VARCHAR(160) NOT NULL, 
	description TEXT, 
	contact_person VARCHAR(120), 
	visibility VARCHAR(10) NOT NULL, 
	published_at DATETIME, 
	version INTEGER NOT NULL, 
	card_language VARCHAR(2), 
	website VARCHAR(300), 
	accepts_contact BOOLEAN NOT NULL, 
	contact_email VARCHAR(320), 
	external_id VARCHAR(100), 
	place_id INTEGER, 
	place_name VARCHAR(120), 
	country VARCHAR(2), 
	region VARCHAR(20), 
	lat FLOAT, 
	lon FLOAT, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_client_profiles PRIMARY KEY (id), 
	CONSTRAINT uq_client_profiles_user_id UNIQUE (user_id), 
	CONSTRAINT fk_client_profiles_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE, 
	CONSTRAINT uq_client_profiles_external_id UNIQUE (external_id)
);

CREATE INDEX ix_client_profiles_visibility ON client_profiles (visibility);

CREATE INDEX ix_client_profiles_country ON client_profiles (country);

CREATE TABLE contact_messages (
	id INTEGER NOT NULL, 
	sender_id INTEGER, 
	recipient_kind VARCHAR(10) NOT NULL, 
	recipient_profile_id INTEGER NOT NULL, 
	recipient_user_id INTEGER, 
	subject VARCHAR(200) NOT NULL, 
	body TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	mail_id INTEGER, 
	CONSTRAINT pk_contact_messages PRIMARY KEY (id), 
	CONSTRAINT fk_contact_messages_sender_id_users FOREIGN KEY(sender_id) REFERENCES users (id) ON DELETE SET NULL, 
	CONSTRAINT fk_contact_messages_recipient_user_id_users FOREIGN KEY(recipient_user_id) REFERENCES users (id) ON DELETE SET NULL
);

CREATE INDEX ix_contact_messages_sender_id ON contact_messages (sender_id);

CREATE INDEX ix_contact_messages_recipient_user_id ON contact_messages (recipient_user_id);

CREATE TABLE contact_blocks (
	id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	blocked_user_id INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_contact_blocks PRIMARY KEY (id), 
	CONSTRAINT uq_contact_blocks_pair UNIQUE (user_id, blocked_user_id), 
	CONSTRAINT fk_contact_blocks_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE, 
	CONSTRAINT fk_contact_blocks_blocked_user_id_users FOREIGN KEY(blocked_user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE member_sectors (
	profile_id INTEGER NOT NULL, 
	sector_code VARCHAR(60) NOT NULL, 
	position INTEGER NOT NULL, 
	CONSTRAINT pk_member_sectors PRIMARY KEY (profile_id, sector_code), 
	CONSTRAINT fk_member_sectors_profile_id_member_profiles FOREIGN KEY(profile_id) REFERENCES member_profiles (id) ON DELETE CASCADE
);

CREATE INDEX ix_member_sectors_sector_code ON member_sectors (sector_code);

CREATE TABLE member_languages (
	profile_id INTEGER NOT NULL, 
	language VARCHAR(8) NOT NULL, 
	CONSTRAINT pk_member_languages PRIMARY KEY (profile_id, language), 
	CONSTRAINT fk_member_languages_profile_id_member_profiles FOREIGN KEY(profile_id) REFERENCES member_profiles (id) ON DELETE CASCADE
);

CREATE INDEX ix_member_languages_language ON member_languages (language);

CREATE TABLE client_sectors (
	profile_id INTEGER NOT NULL, 
	sector_code VARCHAR(60) NOT NULL, 
	position INTEGER NOT NULL, 
	CONSTRAINT pk_client_sectors PRIMARY KEY (profile_id, sector_code), 
	CONSTRAINT fk_client_sectors_profile_id_client_profiles FOREIGN KEY(profile_id) REFERENCES client_profiles (id) ON DELETE CASCADE
);

CREATE INDEX ix_client_sectors_sector_code ON client_sectors (sector_code);

CREATE TABLE abuse_reports (
	id INTEGER NOT NULL, 
	message_id INTEGER NOT NULL, 
	reporter_id INTEGER, 
	reason TEXT NOT NULL, 
	status VARCHAR(12) NOT NULL, 
	handled_by_id INTEGER, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_abuse_reports PRIMARY KEY (id), 
	CONSTRAINT fk_abuse_reports_message_id_contact_messages FOREIGN KEY(message_id) REFERENCES contact_messages (id) ON DELETE CASCADE, 
	CONSTRAINT fk_abuse_reports_reporter_id_users FOREIGN KEY(reporter_id) REFERENCES users (id) ON DELETE SET NULL, 
	CONSTRAINT fk_abuse_reports_handled_by_id_users FOREIGN KEY(handled_by_id) REFERENCES users (id) ON DELETE SET NULL
);

CREATE INDEX ix_abuse_reports_reporter_id ON abuse_reports (reporter_id);
